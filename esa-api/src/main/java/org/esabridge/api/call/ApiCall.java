package org.esabridge.api.call;

import java.time.Instant;
import org.esabridge.api.xml.CallTable;

/**
 * One call from the ESA to the sync host's Helper API (esa-protocol.md §6), written as an
 * {@code <api-call>} document: one record per call, its components the call's children in the protocol's order.
 * The element and child names are declared once, in the {@link CallTable}.
 */
public sealed interface ApiCall {

    /** The element name of this call, as it appears on the wire. */
    default String name() {
        return CallTable.name(this);
    }

    /** The host's id of this ESA, first child of every Helper call. */
    String externalSystemId();

    record IsKnownId(String externalSystemId, String structure, String id) implements ApiCall {}

    record GetParameter(String externalSystemId, String parameterName) implements ApiCall {}

    record DetectDeleted(String externalSystemId, Instant after, String structure) implements ApiCall {}

    record EnumerateKnownIds(String externalSystemId, Instant knownBefore, String structure) implements ApiCall {}

    record StartSync(String externalSystemId, boolean asynchronous) implements ApiCall {}

    record TrackRecordDeletion(String externalSystemId, Instant time, String structure, String id)
            implements ApiCall {}
}

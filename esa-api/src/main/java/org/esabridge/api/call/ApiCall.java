package org.esabridge.api.call;

import java.time.Instant;

/**
 * One call from the ESA to the sync host's Helper API (esa-protocol.md §6), written as an
 * {@code <api-call>} document.
 */
public sealed interface ApiCall {

    /** The element name of this call, as it appears on the wire. */
    String name();

    /** The host's id of this ESA, first child of every Helper call. */
    String externalSystemId();

    record IsKnownId(String externalSystemId, String structure, String id) implements ApiCall {
        @Override
        public String name() {
            return "isKnownID";
        }
    }

    record GetParameter(String externalSystemId, String parameterName) implements ApiCall {
        @Override
        public String name() {
            return "getParameter";
        }
    }

    record DetectDeleted(String externalSystemId, Instant after, String structure) implements ApiCall {
        @Override
        public String name() {
            return "detectDeleted";
        }
    }

    record EnumerateKnownIds(String externalSystemId, Instant knownBefore, String structure) implements ApiCall {
        @Override
        public String name() {
            return "enumerateKnownIDs";
        }
    }

    record StartSync(String externalSystemId, boolean asynchronous) implements ApiCall {
        @Override
        public String name() {
            return "startSync";
        }
    }

    record TrackRecordDeletion(String externalSystemId, Instant time, String structure, String id)
            implements ApiCall {
        @Override
        public String name() {
            return "trackRecordDeletion";
        }
    }
}

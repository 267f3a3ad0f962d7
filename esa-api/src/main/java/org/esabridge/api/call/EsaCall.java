package org.esabridge.api.call;

import java.time.Instant;
import org.esabridge.api.ExternalRecord;
import org.esabridge.api.xml.CallTable;

/**
 * One call from the sync host to the ESA (esa-protocol.md §5), as the codec read it from an
 * {@code <esa-call>}: one record per call, named as the protocol names the element, its components the call's
 * children in the protocol's order. The element and child names are declared once, in the {@link CallTable}.
 */
public sealed interface EsaCall {

    /** The element name of this call, as it appears on the wire. */
    default String name() {
        return CallTable.name(this);
    }

    record StartSync(String externalSystemId) implements EsaCall {}

    record EndSync() implements EsaCall {}

    record GetAllowedRunModes() implements EsaCall {}

    record Configure(String externalSystemId, boolean force) implements EsaCall {}

    record GetStructureList() implements EsaCall {}

    record GetFieldList(String structure, String locale) implements EsaCall {}

    record GetRelations(String structure, String locale) implements EsaCall {}

    record GetParametersMeta(String locale) implements EsaCall {}

    record GetModified(String structure, Instant after) implements EsaCall {}

    record GetModifiedPaged(String structure, Instant after) implements EsaCall {}

    record GetDeleted(String structure, Instant after) implements EsaCall {}

    record GetDeletedPaged(String structure, Instant after) implements EsaCall {}

    record ReadDataPage(String cursorId, long pageIndex) implements EsaCall {}

    record CloseCursor(String cursorId) implements EsaCall {}

    record LeaseSession() implements EsaCall {}

    record Read(String structure, String id) implements EsaCall {}

    record Create(String structure, ExternalRecord record) implements EsaCall {}

    record Update(String structure, Instant lastSeen, ExternalRecord record) implements EsaCall {}

    record Delete(String structure, Instant lastSeen, String id) implements EsaCall {}

    record CheckDelayedCreate(String structure, String token) implements EsaCall {}

    record CheckDelayedUpdate(String structure, String token) implements EsaCall {}

    record CheckDelayedDelete(String structure, String token) implements EsaCall {}

    record CountRange(String structure, String minId, String maxId) implements EsaCall {}

    record GetCurrentTime() implements EsaCall {}

    record NeedSyncAgain() implements EsaCall {}

    record Release() implements EsaCall {}
}

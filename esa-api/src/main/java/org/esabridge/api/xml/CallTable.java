package org.esabridge.api.xml;

import static org.esabridge.api.xml.CallSpec.call;
import static org.esabridge.api.xml.CallSpec.flag;
import static org.esabridge.api.xml.CallSpec.flagAttribute;
import static org.esabridge.api.xml.CallSpec.optionalText;
import static org.esabridge.api.xml.CallSpec.pageIndex;
import static org.esabridge.api.xml.CallSpec.record;
import static org.esabridge.api.xml.CallSpec.recordWithId;
import static org.esabridge.api.xml.CallSpec.text;
import static org.esabridge.api.xml.CallSpec.timestamp;
import static org.esabridge.api.xml.Wire.AFTER;
import static org.esabridge.api.xml.Wire.ASYNCHRONOUS;
import static org.esabridge.api.xml.Wire.CURSOR_ID;
import static org.esabridge.api.xml.Wire.EXTERNAL_SYSTEM_ID;
import static org.esabridge.api.xml.Wire.FORCE;
import static org.esabridge.api.xml.Wire.ID;
import static org.esabridge.api.xml.Wire.KNOWN_BEFORE;
import static org.esabridge.api.xml.Wire.LAST_SEEN;
import static org.esabridge.api.xml.Wire.LOCALE;
import static org.esabridge.api.xml.Wire.MAX_ID;
import static org.esabridge.api.xml.Wire.MIN_ID;
import static org.esabridge.api.xml.Wire.NAME;
import static org.esabridge.api.xml.Wire.PAGE_INDEX;
import static org.esabridge.api.xml.Wire.STRUCTURE;
import static org.esabridge.api.xml.Wire.TIME;
import static org.esabridge.api.xml.Wire.TOKEN;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.esabridge.api.call.ApiCall;
import org.esabridge.api.call.EsaCall;
import org.esabridge.api.call.EsaCall.CheckDelayedCreate;
import org.esabridge.api.call.EsaCall.CheckDelayedDelete;
import org.esabridge.api.call.EsaCall.CheckDelayedUpdate;
import org.esabridge.api.call.EsaCall.CloseCursor;
import org.esabridge.api.call.EsaCall.Configure;
import org.esabridge.api.call.EsaCall.CountRange;
import org.esabridge.api.call.EsaCall.Create;
import org.esabridge.api.call.EsaCall.Delete;
import org.esabridge.api.call.EsaCall.EndSync;
import org.esabridge.api.call.EsaCall.GetAllowedRunModes;
import org.esabridge.api.call.EsaCall.GetCurrentTime;
import org.esabridge.api.call.EsaCall.GetDeleted;
import org.esabridge.api.call.EsaCall.GetDeletedPaged;
import org.esabridge.api.call.EsaCall.GetFieldList;
import org.esabridge.api.call.EsaCall.GetModified;
import org.esabridge.api.call.EsaCall.GetModifiedPaged;
import org.esabridge.api.call.EsaCall.GetParametersMeta;
import org.esabridge.api.call.EsaCall.GetRelations;
import org.esabridge.api.call.EsaCall.GetStructureList;
import org.esabridge.api.call.EsaCall.LeaseSession;
import org.esabridge.api.call.EsaCall.NeedSyncAgain;
import org.esabridge.api.call.EsaCall.Read;
import org.esabridge.api.call.EsaCall.ReadDataPage;
import org.esabridge.api.call.EsaCall.Release;
import org.esabridge.api.call.EsaCall.StartSync;
import org.esabridge.api.call.EsaCall.Update;

/**
 * The call table: every call of the protocol declared once, with its element name and its children in the order
 * of esa-protocol.md §5 (host → ESA) and §6 (ESA → Helper API), each child with its element name and the kind of
 * value it holds. {@link EsaCallReader} binds a call element by it, {@link EsaCallWriter} and {@link ApiCallWriter}
 * write by it, and {@link EsaCall#name()} and {@link ApiCall#name()} come from it. A line names its record; the
 * record's components are its children in the same order, which the table checks when it loads (see
 * {@code CallSpec}), as it checks that every permitted call record has exactly one line: adding a call is one record
 * in {@link EsaCall} or {@link ApiCall} and one line here, and a mismatch stops the server at start.
 */
public final class CallTable {
    private static final List<CallSpec<? extends EsaCall>> ESA_CALLS = List.of(
            call("startSync", StartSync.class, text(EXTERNAL_SYSTEM_ID)),
            call("endSync", EndSync.class),
            call("getAllowedRunModes", GetAllowedRunModes.class),
            call("configure", Configure.class, text(EXTERNAL_SYSTEM_ID), flag(FORCE)),
            call("getStructureList", GetStructureList.class),
            call("getFieldList", GetFieldList.class, text(STRUCTURE), optionalText(LOCALE)),
            call("getRelations", GetRelations.class, text(STRUCTURE), optionalText(LOCALE)),
            call("getParametersMeta", GetParametersMeta.class, optionalText(LOCALE)),
            call("getModified", GetModified.class, text(STRUCTURE), timestamp(AFTER)),
            call("getModifiedPaged", GetModifiedPaged.class, text(STRUCTURE), timestamp(AFTER)),
            call("getDeleted", GetDeleted.class, text(STRUCTURE), timestamp(AFTER)),
            call("getDeletedPaged", GetDeletedPaged.class, text(STRUCTURE), timestamp(AFTER)),
            call("readDataPage", ReadDataPage.class, text(CURSOR_ID), pageIndex(PAGE_INDEX)),
            call("closeCursor", CloseCursor.class, text(CURSOR_ID)),
            call("leaseSession", LeaseSession.class),
            call("read", Read.class, text(STRUCTURE), text(ID)),
            call("create", Create.class, text(STRUCTURE), record()),
            call("update", Update.class, text(STRUCTURE), timestamp(LAST_SEEN), recordWithId()),
            call("delete", Delete.class, text(STRUCTURE), timestamp(LAST_SEEN), text(ID)),
            call("checkDelayedCreate", CheckDelayedCreate.class, text(STRUCTURE), text(TOKEN)),
            call("checkDelayedUpdate", CheckDelayedUpdate.class, text(STRUCTURE), text(TOKEN)),
            call("checkDelayedDelete", CheckDelayedDelete.class, text(STRUCTURE), text(TOKEN)),
            call("countRange", CountRange.class, text(STRUCTURE), text(MIN_ID), text(MAX_ID)),
            call("getCurrentTime", GetCurrentTime.class),
            call("needSyncAgain", NeedSyncAgain.class),
            call("release", Release.class));

    // Written by the ESA, never read by it. startSync's flag is an attribute of the call element.
    private static final List<CallSpec<? extends ApiCall>> API_CALLS = List.of(
            call("isKnownID", ApiCall.IsKnownId.class, text(EXTERNAL_SYSTEM_ID), text(STRUCTURE), text(ID)),
            call("getParameter", ApiCall.GetParameter.class, text(EXTERNAL_SYSTEM_ID),
                    text(NAME).from("parameterName")),
            call("detectDeleted", ApiCall.DetectDeleted.class, text(EXTERNAL_SYSTEM_ID), timestamp(AFTER),
                    text(STRUCTURE)),
            call("enumerateKnownIDs", ApiCall.EnumerateKnownIds.class, text(EXTERNAL_SYSTEM_ID),
                    timestamp(KNOWN_BEFORE), text(STRUCTURE)),
            call("startSync", ApiCall.StartSync.class, text(EXTERNAL_SYSTEM_ID), flagAttribute(ASYNCHRONOUS)),
            call("trackRecordDeletion", ApiCall.TrackRecordDeletion.class, text(EXTERNAL_SYSTEM_ID), timestamp(TIME),
                    text(STRUCTURE), text(ID)));

    private static final Map<String, CallSpec<? extends EsaCall>> ESA_BY_NAME = ESA_CALLS.stream()
            .collect(Collectors.toUnmodifiableMap(spec -> spec.name, spec -> spec));
    private static final Map<Class<?>, CallSpec<?>> BY_TYPE = byType();

    private CallTable() {
    }

    /** The element name of an ESA call, as it appears on the wire. */
    public static String name(EsaCall call) {
        return spec(call).name;
    }

    /** The element name of a Helper API call, as it appears on the wire. */
    public static String name(ApiCall call) {
        return spec(call).name;
    }

    /** The ESA call of this element name, or null for a name §5 does not list. */
    static CallSpec<? extends EsaCall> esaCall(String name) {
        return ESA_BY_NAME.get(name);
    }

    /** The lines of §5, in the page's order. */
    static List<CallSpec<? extends EsaCall>> esaCalls() {
        return ESA_CALLS;
    }

    /** The lines of §6, in the page's order. */
    static List<CallSpec<? extends ApiCall>> apiCalls() {
        return API_CALLS;
    }

    /** The line of this call, ESA or Helper. */
    static CallSpec<?> spec(Object call) {
        return BY_TYPE.get(call.getClass());
    }

    /** The lines by record type, refused unless every permitted call record has exactly one. */
    private static Map<Class<?>, CallSpec<?>> byType() {
        Map<Class<?>, CallSpec<?>> byType = Stream.<CallSpec<?>>concat(ESA_CALLS.stream(), API_CALLS.stream())
                .collect(Collectors.toUnmodifiableMap(spec -> spec.type, Function.identity()));
        Set<Class<?>> permitted = Stream.of(EsaCall.class, ApiCall.class)
                .flatMap(sealed -> Arrays.stream(sealed.getPermittedSubclasses())).collect(Collectors.toSet());
        if (!permitted.equals(byType.keySet())) {
            throw new IllegalStateException("the call table has no line for " + difference(permitted, byType.keySet())
                    + " and a line for no call record: " + difference(byType.keySet(), permitted));
        }
        return byType;
    }

    private static Set<Class<?>> difference(Set<Class<?>> a, Set<Class<?>> b) {
        return a.stream().filter(type -> !b.contains(type)).collect(Collectors.toSet());
    }
}

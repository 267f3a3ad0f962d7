package org.esabridge.api.helper;

import java.time.Instant;
import java.util.List;
import org.esabridge.api.EsaException;

/**
 * The sync host's Helper API, which the ESA calls back (esa-protocol.md §6): one method per call. The
 * external system id that the protocol sends as the first child of every call is part of the
 * implementation's configuration, not a parameter.
 *
 * <p>Failures, all {@link EsaException}s so that a caller which only passes them on needs one clause:
 * <ul>
 *   <li>the host answered with an {@code <exception>}: the matching {@link EsaException} type
 *       ({@link org.esabridge.api.EsaRecordException} …) with the host's code and message;</li>
 *   <li>the host could not be reached in time: {@link HelperApiUnavailableException};</li>
 *   <li>the host's answer was unusable: {@link HelperApiAnswerException}.</li>
 * </ul>
 * A value that XML cannot carry is refused before anything is sent, with
 * {@link org.esabridge.api.ErrorCode#INVALID_VALUE}. Implementations are thread-safe.
 */
public interface HelperApi {

    /** Whether the host knows a record with this id in this structure ({@code isKnownID}). */
    boolean isKnownId(String structure, String id) throws EsaException;

    /**
     * The values the host stores for one of this ESA's parameters ({@code getParameter}): several for a
     * multi-value parameter, an empty list when the host stores none.
     */
    List<String> getParameter(String name) throws EsaException;

    /**
     * Asks the host to find the records of a structure deleted in this ESA since {@code after}
     * ({@code detectDeleted}); the host bisects with the ESA's {@code countRange}, so this call can take
     * long and the ESA must keep serving meanwhile. Returns the ids the host found, in its order.
     */
    List<String> detectDeleted(Instant after, String structure) throws EsaException;

    /**
     * Hands every id the host knows in a structure, as of {@code knownBefore}, to {@code sink}, in the
     * host's order ({@code enumerateKnownIDs}).
     *
     * <p>A sink rather than a list because the host may know millions of ids: the caller can check them in
     * batches as they come, and an implementation may stream them. If the call fails after some ids were
     * delivered, the caller must treat what it saw as incomplete. {@link HttpHelperApi} reads and checks
     * the whole answer first (the codec reads one document at a time, within its limits) and only then
     * delivers, so with it a failure always comes before the first id; a failure of the sink itself ends
     * the call with that failure.
     */
    void enumerateKnownIds(Instant knownBefore, String structure, IdSink sink) throws EsaException;

    /**
     * Asks the host to start a sync with this ESA ({@code startSync}); with {@code asynchronous} the host
     * answers as soon as the run is scheduled, otherwise when it has finished. Returns the host's run
     * status text.
     */
    String startSync(boolean asynchronous) throws EsaException;

    /**
     * Tells the host that a record was deleted at {@code time} ({@code trackRecordDeletion}). Callers that
     * report from a path that must not wait for the host use a {@link DeletionReporter}.
     */
    void trackRecordDeletion(Instant time, String structure, String id) throws EsaException;

    /** Receives the ids of {@link #enumerateKnownIds}, one at a time. */
    @FunctionalInterface
    interface IdSink {
        /** Receives the next id; a failure ends the enumeration with it. */
        void accept(String id) throws EsaException;
    }
}

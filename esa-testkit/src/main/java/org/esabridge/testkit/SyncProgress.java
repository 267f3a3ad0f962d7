package org.esabridge.testkit;

/** Told what {@link SyncHostSimulator} is doing, for a progress display. Called on the syncing thread. */
public interface SyncProgress {
    SyncProgress NONE = new SyncProgress() {
    };

    default void structureStarted(String structure) {
    }

    /** After every page, and every few thousand records of an inline answer. */
    default void received(String structure, long records, long pages, long pageCount) {
    }

    default void structureDone(SyncReport.StructureStats stats) {
    }
}

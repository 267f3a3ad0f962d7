package org.esabridge.api.helper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import mockwebserver3.MockWebServer;

/** Client configurations pointing at a MockWebServer host, with short time-outs and no real waiting. */
final class Clients {
    private Clients() {
    }

    static HelperApiConfig.Builder config(MockWebServer host) {
        return HelperApiConfig.builder(host.url("/helper").uri(), "esa-bridge-1")
                .connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(5))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /** A sleeper that records the waits instead of waiting. */
    static final class RecordingSleeper implements HttpHelperApi.Sleeper {
        final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void sleep(Duration duration) {
            waits.add(duration);
        }
    }
}

package org.esabridge.jdbc;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * MockWebServer playing the sync host's Helper API: answers each call by its element name with canned
 * result content (echoing the call id, as a host does) and keeps every request body.
 */
final class HelperHost implements AutoCloseable {
    private static final Pattern CALL_ID = Pattern.compile("call-id=\"([^\"]*)\"");
    private static final Pattern CALL = Pattern.compile("<api-call[^>]*>\\s*<([A-Za-z]+)");

    final MockWebServer server = new MockWebServer();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Function<String, String>> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();

    HelperHost() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body = request.getBody() == null ? "" : request.getBody().utf8();
                requests.add(body);
                String call = group(CALL, body);
                int status = statuses.getOrDefault(call, 200);
                String content = answers.getOrDefault(call, b -> "").apply(body);
                CountDownLatch hold = holds.get(call);
                if (hold != null) {
                    try {
                        hold.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return new MockResponse.Builder().code(status)
                        .setHeader("Content-Type", "application/xml; charset=UTF-8")
                        .body("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sync><result response-to=\""
                                + group(CALL_ID, body) + "\">" + content + "</result></sync>\n")
                        .build();
            }
        });
        server.start();
    }

    /** The result content for a call, e.g. {@code <id>1</id><id>2</id>}. */
    HelperHost answer(String call, String content) {
        return answer(call, body -> content);
    }

    /** The result content for a call, computed from the request body (say, by the parameter asked for). */
    HelperHost answer(String call, Function<String, String> content) {
        answers.put(call, content);
        return this;
    }

    /**
     * Holds every answer to the call until the returned latch is counted down (or 30 s pass), then answers
     * as usual; counting down also ends the hold for later requests.
     */
    CountDownLatch hold(String call) {
        CountDownLatch release = new CountDownLatch(1);
        holds.put(call, release);
        return release;
    }

    HelperHost status(String call, int status) {
        statuses.put(call, status);
        return this;
    }

    String url() {
        return URI.create(server.url("/helper").toString()).toString();
    }

    List<String> requests(String call) {
        List<String> out = new ArrayList<>();
        for (String r : requests) {
            if (call.equals(group(CALL, r))) {
                out.add(r);
            }
        }
        return out;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : "";
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}

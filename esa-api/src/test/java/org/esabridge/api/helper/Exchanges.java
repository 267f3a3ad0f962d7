package org.esabridge.api.helper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/** The recorded Helper API exchanges under {@code schemas/exchanges/helper/<call>/}, and host doubles. */
final class Exchanges {
    private Exchanges() {
    }

    static final Path DIR = Paths.get(System.getProperty("esa.schemas.dir", "../schemas"), "exchanges", "helper");

    private static final Pattern CALL_ID = Pattern.compile("call-id=\"([^\"]*)\"");
    private static final Pattern RESPONSE_TO = Pattern.compile("response-to=\"[^\"]*\"");

    static List<String> names() {
        try (Stream<Path> dirs = Files.list(DIR)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String exchange, String file) {
        try {
            return Files.readString(DIR.resolve(exchange).resolve(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The call id of a request document. */
    static String callId(String request) {
        Matcher m = CALL_ID.matcher(request);
        if (!m.find()) {
            throw new AssertionError("no call-id in " + request);
        }
        return m.group(1);
    }

    /** The request with its call id replaced by the recordings' "1", and without the final line break. */
    static String normalised(String request) {
        return CALL_ID.matcher(request).replaceFirst("call-id=\"1\"").stripTrailing();
    }

    /** A host answer document echoing the call id of the request. */
    static String answering(RecordedRequest request, String response) {
        return RESPONSE_TO.matcher(response).replaceFirst("response-to=\"" + callId(body(request)) + "\"");
    }

    static String body(RecordedRequest request) {
        return request.getBody() == null ? "" : request.getBody().utf8();
    }

    static MockResponse xml(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/xml; charset=UTF-8")
                .body(body).build();
    }

    static String result(String callId, String content) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sync><result response-to=\"" + callId + "\">" + content
                + "</result></sync>\n";
    }

    /** A host that answers every call with a result echoing its call id, holding {@code content}. */
    static Dispatcher answeringHost(String content) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return xml(200, result(callId(body(request)), content));
            }
        };
    }
}

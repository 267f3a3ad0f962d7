package org.esabridge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A guard, not a sample: every method of the SPI, defaults included, reaches the delegate unchanged. */
class ForwardingExternalSystemAdapterTest {

    @Test
    void everySpiMethodIsForwardedWithItsArgumentsAndItsAnswer() throws Exception {
        List<String> called = new ArrayList<>();
        List<List<Object>> received = new ArrayList<>();
        ExternalSystemAdapter delegate = (ExternalSystemAdapter) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ExternalSystemAdapter.class}, (proxy, method, args) -> {
                    called.add(method.getName());
                    received.add(args == null ? List.of() : Arrays.asList(args));
                    return answerOf(method.getReturnType());
                });
        ExternalSystemAdapter forwarding = new ForwardingExternalSystemAdapter(delegate);

        List<String> expected = new ArrayList<>();
        for (Method method : ExternalSystemAdapter.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            Object[] args = Arrays.stream(method.getParameterTypes()).map(t -> argumentOf(t)).toArray();
            Object answer = method.invoke(forwarding, args);
            expected.add(method.getName());
            assertEquals(Arrays.asList(args), received.get(received.size() - 1), method.getName());
            assertEquals(answerOf(method.getReturnType()), answer, method.getName());
        }
        assertEquals(expected, called);
    }

    private static Object argumentOf(Class<?> type) {
        if (type == boolean.class) {
            return true;
        }
        if (type == long.class) {
            return 7L;
        }
        if (type == String.class) {
            return "s";
        }
        if (type == Session.class) {
            return new Session("host");
        }
        if (type == Instant.class) {
            return Instant.EPOCH;
        }
        return null;
    }

    private static Object answerOf(Class<?> type) {
        if (type == boolean.class) {
            return true;
        }
        if (type == int.class) {
            return 3;
        }
        if (type == long.class) {
            return 11L;
        }
        if (type == String.class) {
            return "answer";
        }
        if (type == Instant.class) {
            return Instant.parse("2026-11-23T05:46:31.123456Z");
        }
        if (type == List.class) {
            return List.of("entry");
        }
        return null;
    }
}

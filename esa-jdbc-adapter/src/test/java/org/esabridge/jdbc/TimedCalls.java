package org.esabridge.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.esabridge.api.ExternalSystemAdapter;

/** Every call's longest latency by method, and the faults, of the calls made through {@link #of} (takeover tests). */
final class TimedCalls {
    final Map<String, Long> longest = new ConcurrentHashMap<>();
    final AtomicLong faults = new AtomicLong();
    volatile Throwable lastFault;

    ExternalSystemAdapter of(ExternalSystemAdapter node) {
        return (ExternalSystemAdapter) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ExternalSystemAdapter.class}, (proxy, method, args) -> {
                    long start = System.nanoTime();
                    try {
                        return method.invoke(node, args);
                    } catch (InvocationTargetException e) {
                        faults.incrementAndGet();
                        lastFault = e.getCause();
                        throw e.getCause();
                    } finally {
                        longest.merge(method.getName(), (System.nanoTime() - start) / 1_000_000, Math::max);
                    }
                });
    }
}

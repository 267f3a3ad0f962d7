package org.esabridge.server;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * A response body from a host the ESA dials out to, collected with a bound on its size and on its time: at most
 * {@code keep} bytes are kept (what comes beyond is not read; a call document cut so is then over
 * {@code max-body-bytes} and answered TOO_LARGE), and unless the whole body has come {@code within} of the
 * headers, the body fails with a {@link java.util.concurrent.TimeoutException} and its connection is given up.
 * java.net.http's own request time-out ends with the headers: without this, a host that sends the headers and
 * then stalls holds the thread that waits for the body for ever.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long keep;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private volatile Flow.Subscription subscription;

    /** Starts the clock: made when the headers have come. */
    BoundedBody(long keep, Duration within) {
        this.keep = keep;
        body.orTimeout(within.toMillis(), TimeUnit.MILLISECONDS).whenComplete((bytes, failure) -> {
            if (failure != null) {
                cancel();
            }
        });
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (body.isDone()) {
            subscription.cancel();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        synchronized (kept) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                int n = (int) Math.min(buffer.remaining(), keep - kept.size());
                byte[] bytes = new byte[n];
                buffer.get(bytes);
                kept.write(bytes, 0, n);
            }
            if (kept.size() >= keep) {
                body.complete(kept.toByteArray());
                cancel();
            }
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        synchronized (kept) {
            body.complete(kept.toByteArray());
        }
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}

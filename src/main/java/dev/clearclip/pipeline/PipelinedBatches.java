package dev.clearclip.pipeline;

import dev.clearclip.inference.ImageInput;
import dev.clearclip.inference.ImageOutcome;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A two-stage pipeline over a stream of images: the first stage (reading and decoding) of batch n + 1 runs on one
 * helper thread while the second (the encoder) of batch n runs on the caller's. Outcomes keep input order; the
 * helper thread ends with the stream, or on {@link #close()}.
 */
public final class PipelinedBatches<B> implements Iterator<ImageOutcome>, AutoCloseable {
    private final Iterator<ImageInput> source;
    private final int batchSize;
    private final Function<List<ImageInput>, B> decode;
    private final Function<B, List<ImageOutcome>> encode;
    private final ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "clearclip-decode");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<B> next;
    private Iterator<ImageOutcome> current = List.<ImageOutcome>of().iterator();

    PipelinedBatches(Iterator<ImageInput> source, int batchSize, Function<List<ImageInput>, B> decode,
                     Function<B, List<ImageOutcome>> encode) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.source = source;
        this.batchSize = batchSize;
        this.decode = decode;
        this.encode = encode;
        this.next = submitNext();
    }

    private CompletableFuture<B> submitNext() {
        // the source (a Spark iterator) is read on the caller's thread; only reading bytes and decoding move
        List<ImageInput> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && source.hasNext()) {
            batch.add(source.next());
        }
        if (batch.isEmpty()) {
            helper.shutdown();
            return null;
        }
        return CompletableFuture.supplyAsync(() -> decode.apply(batch), helper);
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext() && next != null) {
            B ready = await(next);
            next = submitNext();
            current = encode.apply(ready).iterator();
        }
        return current.hasNext();
    }

    @Override
    public ImageOutcome next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    private B await(CompletableFuture<B> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            helper.shutdownNow();
            throw new IllegalStateException("interrupted while decoding images", e);
        } catch (ExecutionException e) {
            helper.shutdownNow();
            throw new IllegalStateException("decoding stage failed", e.getCause());
        }
    }

    @Override
    public void close() {
        helper.shutdownNow();
    }
}

package dev.clearclip.inference;

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
 * A two-stage pipeline over a stream of images: the first stage (decoding) of batch n + 1 runs on one helper thread
 * while the second (inference) of batch n runs on the caller's. Outcomes keep input order; the helper thread ends
 * with the stream.
 */
final class PipelinedBatches implements Iterator<ImageOutcome> {
    private final Iterator<ImageInput> source;
    private final int batchSize;
    private final Function<List<ImageInput>, ClearClipImageSegmenter.Batch> prepare;
    private final Function<ClearClipImageSegmenter.Batch, List<ImageOutcome>> infer;
    private final ExecutorService helper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "clearclip-decode");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<ClearClipImageSegmenter.Batch> next;
    private Iterator<ImageOutcome> current = List.<ImageOutcome>of().iterator();

    PipelinedBatches(Iterator<ImageInput> source, int batchSize,
                     Function<List<ImageInput>, ClearClipImageSegmenter.Batch> prepare,
                     Function<ClearClipImageSegmenter.Batch, List<ImageOutcome>> infer) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        this.source = source;
        this.batchSize = batchSize;
        this.prepare = prepare;
        this.infer = infer;
        this.next = submitNext();
    }

    private CompletableFuture<ClearClipImageSegmenter.Batch> submitNext() {
        // the source (a Spark iterator) is read on the caller's thread; only decoding moves to the helper
        List<ImageInput> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize && source.hasNext()) {
            batch.add(source.next());
        }
        if (batch.isEmpty()) {
            helper.shutdown();
            return null;
        }
        return CompletableFuture.supplyAsync(() -> prepare.apply(batch), helper);
    }

    @Override
    public boolean hasNext() {
        while (!current.hasNext() && next != null) {
            ClearClipImageSegmenter.Batch ready = await(next);
            next = submitNext();
            current = infer.apply(ready).iterator();
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

    private ClearClipImageSegmenter.Batch await(CompletableFuture<ClearClipImageSegmenter.Batch> f) {
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
}

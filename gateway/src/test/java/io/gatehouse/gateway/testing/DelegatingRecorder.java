package io.gatehouse.gateway.testing;

import io.gatehouse.audit.Event;
import io.gatehouse.gateway.recorder.Recorder;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Recorder} that passes everything to a real one; tests extend it and override the one behaviour they
 * fake (a store that is down, a full backlog, a recorder that is behind).
 */
public class DelegatingRecorder implements Recorder {
    protected final Recorder real;

    public DelegatingRecorder(Recorder real) {
        this.real = real;
    }

    @Override
    public CompletableFuture<Long> append(Event draft) {
        return real.append(draft);
    }

    @Override
    public void appendBestEffort(Event draft) {
        real.appendBestEffort(draft);
    }

    @Override
    public void reserveBestEffort(int events) {
        real.reserveBestEffort(events);
    }

    @Override
    public void appendReserved(Event draft) {
        real.appendReserved(draft);
    }

    @Override
    public void releaseReserved(int events) {
        real.releaseReserved(events);
    }

    @Override
    public boolean bestEffortBehind() {
        return real.bestEffortBehind();
    }

    @Override
    public void commandsRefused(int commands) {
        real.commandsRefused(commands);
    }
}

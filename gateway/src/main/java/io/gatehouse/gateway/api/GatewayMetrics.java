package io.gatehouse.gateway.api;

import io.gatehouse.gateway.recorder.LogWriter;
import io.gatehouse.store.Store;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Prometheus metrics at {@code /metrics}. The recorder's are the ones to alert on: a non-zero
 * {@code gatehouse_recorder_backlog} means best-effort events are waiting for a store that is down (they
 * are kept, bounded, and written when it returns), and a growing {@code gatehouse_recorder_failed_batches_total}
 * means the store refuses writes; {@code gatehouse_recorder_refused_commands_total} counts the fail-closed
 * commands that were refused for it (not executed), and {@code gatehouse_recorder_failing} is 1 while writes fail,
 * even when the store can still be read. Nothing here carries a secret or event content.
 */
public final class GatewayMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public GatewayMetrics(LogWriter writer, Store store) {
        Gauge.builder("gatehouse.recorder.backlog", writer, LogWriter::backlog)
                .description("best-effort events accepted but not yet durable (non-zero while the store is down)")
                .register(registry);
        FunctionCounter.builder("gatehouse.recorder.failed.batches", writer, LogWriter::failedBatches)
                .description("recorder transactions that failed; their fail-closed commands were refused")
                .register(registry);
        FunctionCounter.builder("gatehouse.recorder.refused.commands", writer, LogWriter::refusedCommands)
                .description("commands refused, not executed, because their record was not durable in time")
                .register(registry);
        Gauge.builder("gatehouse.recorder.failing", writer, w -> w.failing() ? 1 : 0)
                .description("1 from a failed write until the next one commits (the store cannot take writes)")
                .register(registry);
        FunctionCounter.builder("gatehouse.recorder.commits", writer, LogWriter::commits)
                .description("batches committed (group commits); events / commits is the mean batch size")
                .register(registry);
        FunctionCounter.builder("gatehouse.recorder.commit.seconds", writer, w -> w.commitNanos() / 1e9)
                .description("time spent in the store transactions of committed batches (inserts, commit, fsync)")
                .register(registry);
        FunctionCounter.builder("gatehouse.recorder.events", writer, LogWriter::written)
                .description("events made durable since start")
                .register(registry);
        Gauge.builder("gatehouse.log.size", writer, w -> w.head().size())
                .description("events in this gateway's audit log")
                .register(registry);
        Gauge.builder("gatehouse.store.up", store, s -> s.healthy() ? 1 : 0)
                .description("1 when the store answers, else 0")
                .register(registry);
        Gauge.builder("gatehouse.store.journal.behind", store, Store::journalBehind)
                .description("log appends durable in the commit journal, not yet in the store's tables")
                .register(registry);
        Gauge.builder("gatehouse.store.journal.failing", store, s -> s.journalApplying() ? 0 : 1)
                .description("1 while the store refuses to apply its commit journal (appends go on until it is full)")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}

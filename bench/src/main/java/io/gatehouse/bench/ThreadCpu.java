package io.gatehouse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * User and system CPU time of a process's threads, summed by thread group, from {@code /proc/PID/task/TID/stat}
 * (proc(5): fields 14 and 15, in clock ticks of 10 ms). Two snapshots around a run say where the proxy's CPU went
 * per statement: its event loops, the recorder's threads, or the rest; and how much of it was spent in the kernel.
 * A thread that ends between the snapshots loses its time, which is fine for the long-lived threads measured here.
 *
 * <p>Also, from {@code /proc/PID/task/TID/schedstat} (the kernel's sched-stats.rst: time on the CPU, time waiting
 * on a run queue, and timeslices run, in nanoseconds and counts), how long each group's threads were runnable but
 * not running, and how often they were switched in: on a saturated 2-vCPU machine the recorder's latency is mostly
 * that wait, not its own work (docs/benchmarks.md, session 8).
 */
final class ThreadCpu {
    /** A group is a thread-name prefix ({@code comm} is cut to 15 characters by the kernel). */
    record Group(String label, String prefix) {}

    static final List<Group> GATEWAY_GROUPS = List.of(
            new Group("pg loops", "gatehouse-pg"),
            new Group("log writer", "gatehouse-log-w"),
            new Group("journal", "gatehouse-journ"),
            new Group("indexer", "sessions-indexe"),
            new Group("gc+jit", "GC Thread"),
            new Group("gc+jit", "G1 "),
            new Group("gc+jit", "C2 Compiler"),
            new Group("gc+jit", "C1 Compiler"));

    /**
     * Per group: {user ticks, system ticks, run-queue wait in ns, timeslices}; unmatched threads under "other".
     * The last two are -1 where the kernel keeps no schedstat.
     */
    record Snapshot(Map<String, long[]> ticks) {
        String perStatement(Snapshot before, long statements) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, long[]> e : ticks.entrySet()) {
                long[] b = before.ticks.getOrDefault(e.getKey(), new long[4]);
                long[] a = e.getValue();
                double n = Math.max(1, statements);
                double user = (a[0] - b[0]) * 10_000.0 / n;
                double sys = (a[1] - b[1]) * 10_000.0 / n;
                if (user + sys < 0.05) {
                    continue;
                }
                if (!sb.isEmpty()) {
                    sb.append(", ");
                }
                sb.append(String.format(Locale.ROOT, "%s %.1f (sys %.1f", e.getKey(), user + sys, sys));
                if (a[2] >= 0 && b[2] >= 0) {
                    sb.append(String.format(
                            Locale.ROOT, "; runq %.1f, %.2f sw", (a[2] - b[2]) / 1e3 / n, (a[3] - b[3]) / n));
                }
                sb.append(')');
            }
            return sb.toString();
        }
    }

    private ThreadCpu() {}

    static Snapshot take(long pid, List<Group> groups) {
        Map<String, long[]> ticks = new LinkedHashMap<>();
        for (Group g : groups) {
            ticks.putIfAbsent(g.label(), new long[4]);
        }
        ticks.put("other", new long[4]);
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended while listing
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                String label = "other";
                for (Group g : groups) {
                    if (comm.startsWith(g.prefix())) {
                        label = g.label();
                        break;
                    }
                }
                long[] t = ticks.get(label);
                t[0] += Long.parseLong(f[11]);
                t[1] += Long.parseLong(f[12]);
                long[] sched = schedstat(task);
                if (sched == null || t[2] < 0) {
                    t[2] = -1;
                    t[3] = -1;
                } else {
                    t[2] += sched[0];
                    t[3] += sched[1];
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Snapshot(ticks);
    }

    /** {run-queue wait ns, timeslices} of one thread, or null without schedstat (or once the thread is gone). */
    private static long[] schedstat(Path task) {
        try {
            String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

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

    /** Per group: {user ticks, system ticks}; unmatched threads under "other". */
    record Snapshot(Map<String, long[]> ticks) {
        String perStatement(Snapshot before, long statements) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, long[]> e : ticks.entrySet()) {
                long[] b = before.ticks.getOrDefault(e.getKey(), new long[2]);
                double user = (e.getValue()[0] - b[0]) * 10_000.0 / Math.max(1, statements);
                double sys = (e.getValue()[1] - b[1]) * 10_000.0 / Math.max(1, statements);
                if (user + sys < 0.05) {
                    continue;
                }
                if (!sb.isEmpty()) {
                    sb.append(", ");
                }
                sb.append(String.format(Locale.ROOT, "%s %.1f (sys %.1f)", e.getKey(), user + sys, sys));
            }
            return sb.toString();
        }
    }

    private ThreadCpu() {}

    static Snapshot take(long pid, List<Group> groups) {
        Map<String, long[]> ticks = new LinkedHashMap<>();
        for (Group g : groups) {
            ticks.putIfAbsent(g.label(), new long[2]);
        }
        ticks.put("other", new long[2]);
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
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new Snapshot(ticks);
    }
}

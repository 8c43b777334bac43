package io.cxone.kafka.source.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU seconds used by this process, and by its threads grouped by name, since construction: the benchmarks' way to
 * show where the CPU of a phase went (on two cores the wall-clock figures are CPU figures). Thread CPU comes from the
 * ThreadMXBean, so read it before the threads of a phase exit; the JVM's own GC and JIT threads, which the
 * ThreadMXBean does not show, from /proc (Linux).
 */
public final class CpuClock {
    private static final String JIT = "JVM: JIT compiler";
    private final Map<String, String> namedGroups;
    private final long process = processCpuNanos();
    private final Map<Long, Long> threadStart = threadCpuNanos();
    private final Map<String, Long> vmStart = vmThreadTicks();

    public CpuClock() {
        this(Map.of());
    }

    /**
     * @param namedGroups group name by thread name prefix (the longest matching one counts), checked before the
     *                    default grouping (digits removed), e.g. to show the load generator's threads by that name
     */
    public CpuClock(Map<String, String> namedGroups) {
        this.namedGroups = namedGroups;
    }

    /** {process seconds, simulator seconds}. */
    public double[] elapsed() {
        return new double[] {processSeconds(), byGroup().getOrDefault("cxone-simulator", 0L) / 1e9};
    }

    /** CPU seconds of the whole process since construction. */
    public double processSeconds() {
        return (processCpuNanos() - process) / 1e9;
    }

    /** CPU nanoseconds per thread group (digits in thread names removed) since construction. */
    public Map<String, Long> byGroup() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> groups = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long used = Math.max(0, threads.getThreadCpuTime(info.getThreadId()))
                    - threadStart.getOrDefault(info.getThreadId(), 0L);
            groups.merge(group(info.getThreadName()), Math.max(0, used), Long::sum);
        }
        return groups;
    }

    private String group(String thread) {
        String prefix = namedGroups.keySet().stream()
                .filter(thread::startsWith)
                .max(Comparator.comparingInt(String::length))
                .orElse(null);
        if (prefix != null) {
            return namedGroups.get(prefix);
        }
        String group = thread.replaceAll("[-:]?\\d+", "").replaceAll("localhost|bench-[a-z]+", "");
        return group.startsWith("cxone-simulator") ? "cxone-simulator" : group;
    }

    /** CPU seconds of the JIT compiler threads since construction. */
    public double jitSeconds() {
        return (vmThreadTicks().getOrDefault(JIT, 0L) - vmStart.getOrDefault(JIT, 0L)) / 100.0;
    }

    /** One line per thread group using at least 2% of the process CPU, and the rest (GC, JIT, exited threads). */
    public void print(String phase, int records) {
        List<Map.Entry<String, Long>> rows = rows();
        System.out.printf("CPU per 1M records, %s: %.1f s%n", phase, rows.get(0).getValue() * 1e6 / records / 1e9);
        rows.subList(1, rows.size())
                .forEach(e -> System.out.printf("  %6.2f s  %s%n", e.getValue() * 1e6 / records / 1e9, e.getKey()));
    }

    /**
     * Like {@link #print(String, int)} in µs per request, each line starting with {@code "  cpu"}; with per event
     * beside it when the requests carried more than one event each.
     */
    public double printPerRequest(String phase, long requests, long events) {
        boolean perEvent = events != requests;
        List<Map.Entry<String, Long>> rows = rows();
        System.out.printf(
                "  cpu per request%s, %s: %s%n",
                perEvent ? " (per event)" : "", phase, micros(rows.get(0).getValue(), requests, events, perEvent));
        rows.subList(1, rows.size())
                .forEach(e -> System.out.printf(
                        "  cpu %s  %s%n", micros(e.getValue(), requests, events, perEvent), e.getKey()));
        return rows.get(0).getValue() / 1e3 / Math.max(1, requests);
    }

    private static String micros(long nanos, long requests, long events, boolean perEvent) {
        String perRequest = String.format("%8.1f µs", nanos / 1e3 / Math.max(1, requests));
        return perEvent ? perRequest + String.format(" (%6.2f µs)", nanos / 1e3 / Math.max(1, events)) : perRequest;
    }

    /** The process total, the groups using at least 2% of it (largest first), then the rest. */
    private List<Map.Entry<String, Long>> rows() {
        long total = processCpuNanos() - process;
        Map<String, Long> groups = byGroup();
        Map<String, Long> vm = vmThreadTicks();
        vm.replaceAll(
                (group, ticks) -> (ticks - vmStart.getOrDefault(group, 0L)) * 10_000_000L); // 100 ticks per second
        long listed = groups.values().stream().mapToLong(Long::longValue).sum()
                + vm.values().stream().mapToLong(Long::longValue).sum();
        groups.putAll(vm);
        List<Map.Entry<String, Long>> rows = new ArrayList<>();
        rows.add(Map.entry("total", total));
        groups.entrySet().stream()
                .filter(e -> e.getValue() * 50 >= total)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(rows::add);
        rows.add(Map.entry("threads not listed (under 2%, or exited)", total - listed));
        return rows;
    }

    /**
     * CPU clock ticks of the JVM's own threads (garbage collector, JIT compilers), which the ThreadMXBean does not
     * show, from /proc (Linux; empty elsewhere).
     */
    private static Map<String, Long> vmThreadTicks() {
        Map<String, Long> out = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).trim();
                    String group = comm.startsWith("GC Thread") || comm.startsWith("G1 ")
                            ? "JVM: garbage collector"
                            : comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")
                                    ? JIT
                                    : comm.startsWith("VM Thread") ? "JVM: VM thread" : null;
                    if (group != null) {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        out.merge(group, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum); // utime, stime
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Map<Long, Long> threadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<Long, Long> out = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            out.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        return out;
    }
}

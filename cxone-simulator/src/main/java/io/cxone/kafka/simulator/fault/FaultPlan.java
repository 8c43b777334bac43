package io.cxone.kafka.simulator.fault;

import io.cxone.kafka.simulator.http.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The faults armed right now, in the order they were added. A request takes (consumes) at most the first matching
 * fault of a type; a fault with {@code times = -1} stays until {@link #clear()}.
 */
public final class FaultPlan {
    private static final Logger log = LoggerFactory.getLogger(FaultPlan.class);

    private final List<ArmedFault> armed = new CopyOnWriteArrayList<>();
    private final AtomicLong nextId = new AtomicLong(1);

    /** A fault with its id (for the admin API) and the responses it still affects. */
    public static final class ArmedFault {
        private final long id;
        private final FaultSpec spec;
        private final AtomicInteger remaining;

        ArmedFault(long id, FaultSpec spec) {
            this.id = id;
            this.spec = spec;
            this.remaining = new AtomicInteger(spec.times());
        }

        public long id() {
            return id;
        }

        public FaultSpec spec() {
            return spec;
        }

        public int remaining() {
            return remaining.get();
        }

        boolean tryTake() {
            while (true) {
                int left = remaining.get();
                if (left == -1) {
                    return true;
                }
                if (left == 0) {
                    return false;
                }
                if (remaining.compareAndSet(left, left - 1)) {
                    return true;
                }
            }
        }

        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id);
            json.putAll(spec.toJson());
            json.put("remaining", remaining());
            return json;
        }
    }

    public ArmedFault arm(FaultSpec spec) {
        if (spec.type().isAction()) {
            throw new IllegalArgumentException(spec.type() + " is an action, not a stored fault");
        }
        ArmedFault fault = new ArmedFault(nextId.getAndIncrement(), spec);
        armed.add(fault);
        log.info("Fault armed: id={} {}", fault.id(), spec.toJson());
        return fault;
    }

    public int clear() {
        int count = armed.size();
        armed.clear();
        if (count > 0) {
            log.info("Faults cleared: {}", count);
        }
        return count;
    }

    public List<ArmedFault> armed() {
        List<ArmedFault> live = new ArrayList<>();
        for (ArmedFault fault : armed) {
            if (fault.remaining() != 0) {
                live.add(fault);
            }
        }
        return live;
    }

    /** Takes the first live fault of {@code type} for {@code endpoint}, counting it as used once. */
    public Optional<FaultSpec> take(Endpoint endpoint, FaultType type) {
        return take(endpoint, type, spec -> true);
    }

    /** Like {@link #take(Endpoint, FaultType)}, among faults that {@code applicable} accepts for this response. */
    public Optional<FaultSpec> take(Endpoint endpoint, FaultType type, Predicate<FaultSpec> applicable) {
        for (ArmedFault fault : armed) {
            FaultSpec spec = fault.spec();
            if (spec.type() == type && spec.matches(endpoint) && applicable.test(spec) && fault.tryTake()) {
                if (fault.remaining() == 0) {
                    armed.remove(fault);
                }
                return Optional.of(spec);
            }
        }
        return Optional.empty();
    }

    /** The first live fault of {@code type} for {@code endpoint}, without using it up. */
    public Optional<FaultSpec> peek(Endpoint endpoint, FaultType type) {
        for (ArmedFault fault : armed) {
            if (fault.spec().type() == type && fault.spec().matches(endpoint) && fault.remaining() != 0) {
                return Optional.of(fault.spec());
            }
        }
        return Optional.empty();
    }
}

package io.cxone.kafka.source.export;

import java.util.ArrayList;
import java.util.List;

/** Fields a chunk added, removed or retyped against the schema baseline. */
public record SchemaDrift(List<String> added, List<String> removed, List<String> retyped) {

    public SchemaDrift {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        retyped = List.copyOf(retyped);
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && retyped.isEmpty();
    }

    /** One line for logs and the drift topic's reason header, e.g. {@code added [x]; retyped [y LONG->STRING]}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!added.isEmpty()) {
            parts.add("added " + added);
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + removed);
        }
        if (!retyped.isEmpty()) {
            parts.add("retyped " + retyped);
        }
        return parts.isEmpty() ? "no drift" : String.join("; ", parts);
    }
}

package io.cxone.kafka.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The outcome as one table with the disagreements under it, or as one JSON document ({@code --json}). */
final class ReportWriter {

    static final String KEY_IDS_NOTE = "one document per key: a window's expected documents are its keys whose newest"
            + " version is in that window; SUPERSEDED counts the keys a later version overwrote";

    private static final String[] HEADINGS = {
        "API", "SOURCE", "WINDOW", "CXONE ROWS", "KAFKA RECORDS", "ES DOCS", "SUPERSEDED", "DIGEST", "STATUS"
    };

    private ReportWriter() {}

    static void table(Reconciliation.Outcome outcome, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADINGS);
        for (WindowResult w : outcome.windows()) {
            WindowManifest m = w.manifest();
            rows.add(new String[] {
                m.api(),
                m.source(),
                m.job(),
                Long.toString(m.rows()),
                Long.toString(w.kafkaRecords()),
                w.esDocuments() == null ? "-" : w.esDocuments().toString(),
                w.superseded() == null ? "-" : w.superseded().toString(),
                w.digestOk() ? "ok" : "MISMATCH",
                w.status().text
            });
        }
        int[] widths = new int[HEADINGS.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        if (outcome.windows().isEmpty()) {
            out.println("No manifests in " + outcome.manifestTopic() + ": no export job has completed, nothing to"
                    + " reconcile.");
        } else {
            for (String[] row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    boolean number = i >= 3 && i <= 6;
                    String cell = number && row != HEADINGS
                            ? " ".repeat(widths[i] - row[i].length()) + row[i]
                            : row[i] + " ".repeat(widths[i] - row[i].length());
                    line.append(i == 0 ? "" : "  ").append(cell);
                }
                out.println(line.toString().stripTrailing());
            }
        }
        for (WindowResult w : outcome.windows()) {
            if (w.status() != WindowResult.Status.OK) {
                out.println();
                out.println(w.status().text + " " + w.manifest().key() + " (topic "
                        + w.manifest().topic() + (w.index() == null ? "" : ", index " + w.index()) + "):");
                w.problems().forEach(p -> out.println("  - " + p));
            }
        }
        if (!outcome.problems().isEmpty()) {
            out.println();
            outcome.problems().forEach(p -> out.println("PROBLEM: " + p));
        }
        out.println();
        String keyIndices = outcome.windows().stream()
                .filter(WindowResult::keyIds)
                .map(WindowResult::index)
                .distinct()
                .collect(Collectors.joining(", "));
        if (!keyIndices.isEmpty()) {
            out.println("Note: " + keyIndices + ": " + KEY_IDS_NOTE + ".");
        }
        outcome.outsideWindows().forEach((topic, count) -> {
            if (count > 0) {
                out.println("Note: " + topic + ": " + count + " committed record(s) of jobs without a manifest (still"
                        + " running, or without export headers) were not checked.");
            }
        });
        long agree = outcome.windows().stream()
                .filter(w -> w.status() == WindowResult.Status.OK)
                .count();
        long behind = outcome.windows().stream()
                .filter(w -> w.status() == WindowResult.Status.SINK_BEHIND)
                .count();
        out.println(String.format(
                Locale.ROOT,
                "%d window(s): %d agree, %d mismatch, %d sink behind%s. %s",
                outcome.windows().size(),
                agree,
                outcome.windows().size() - agree - behind,
                behind,
                outcome.problems().isEmpty() ? "" : "; " + outcome.problems().size() + " other problem(s)",
                outcome.ok() ? "All agree." : "Not all agree."));
        out.flush();
    }

    static void json(Reconciliation.Outcome outcome, PrintWriter out) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ok", outcome.ok());
        doc.put("manifest_topic", outcome.manifestTopic());
        List<Map<String, Object>> windows = new ArrayList<>();
        for (WindowResult w : outcome.windows()) {
            WindowManifest m = w.manifest();
            Map<String, Object> window = new LinkedHashMap<>();
            window.put("key", m.key());
            window.put("api", m.api());
            window.put("source", m.source());
            window.put("window", m.job());
            window.put("jobs", m.jobs());
            window.put("topic", m.topic());
            window.put("index", w.index());
            window.put("documents", w.keyIds() ? "one per key" : "one per record");
            window.put("cxone_rows", m.rows());
            window.put("chunks", m.chunks());
            window.put("kafka_records", w.kafkaRecords());
            window.put("es_documents", w.esDocuments());
            window.put("es_expected", w.esExpected());
            window.put("superseded", w.superseded());
            window.put("digest_manifest", m.digest());
            window.put("digest_kafka", w.kafkaDigest());
            window.put("digest_elasticsearch", w.esDigest());
            window.put("digest_ok", w.digestOk());
            window.put("status", w.status().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            window.put("missing_in_elasticsearch", ids(w.missingTotal(), w.missingIds()));
            window.put("extra_in_elasticsearch", ids(w.extraTotal(), w.extraIds()));
            window.put("problems", w.problems());
            window.put("completed_at", m.completedAt().toString());
            windows.add(window);
        }
        doc.put("windows", windows);
        doc.put("problems", outcome.problems());
        doc.put("records_outside_windows", outcome.outsideWindows());
        doc.put("note", KEY_IDS_NOTE);
        try {
            out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private static Map<String, Object> ids(long total, List<String> first) {
        Map<String, Object> ids = new LinkedHashMap<>();
        ids.put("total", total);
        ids.put("first", first);
        return ids;
    }
}

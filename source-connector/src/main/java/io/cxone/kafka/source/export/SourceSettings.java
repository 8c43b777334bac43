package io.cxone.kafka.source.export;

import static io.cxone.kafka.source.export.ExportSourceConfig.CSV_COLUMN_TYPES;
import static io.cxone.kafka.source.export.ExportSourceConfig.ENTITIES;
import static io.cxone.kafka.source.export.ExportSourceConfig.ENTITY_VERSION;
import static io.cxone.kafka.source.export.ExportSourceConfig.EXPORT_INTERVAL_MS;
import static io.cxone.kafka.source.export.ExportSourceConfig.EXTRACTION_CALL_INTERVAL_MS;
import static io.cxone.kafka.source.export.ExportSourceConfig.LAG_MINUTES;
import static io.cxone.kafka.source.export.ExportSourceConfig.REPORTS;
import static io.cxone.kafka.source.export.ExportSourceConfig.START_DATE;
import static io.cxone.kafka.source.export.ExportSourceConfig.WINDOW_DAYS;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of what to export: the reports or entities, the extraction windows and their lag, CSV column types, and
 * the records API's export interval.
 */
final class SourceSettings {

    private static final String GROUP = "What to export";

    private SourceSettings() {}

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                REPORTS,
                Type.LIST,
                List.of(),
                Importance.HIGH,
                "Report ids to export (records API); spread over tasks.max.",
                GROUP,
                ++order,
                Width.LONG,
                "Reports");
        def.define(
                ENTITIES,
                Type.LIST,
                List.of(),
                Importance.HIGH,
                "Data Extraction entity names (e.g. recording-interaction-metadata), or Reporting API endpoints (e.g."
                        + " contacts/completed); spread over tasks.max.",
                GROUP,
                ++order,
                Width.LONG,
                "Entities");
        def.define(
                ENTITY_VERSION,
                Type.STRING,
                "7",
                Importance.LOW,
                "Data Extraction entity version.",
                GROUP,
                ++order,
                Width.SHORT,
                "Entity version");
        def.define(
                START_DATE,
                Type.STRING,
                "",
                new DateValidator(),
                Importance.MEDIUM,
                "First day (yyyy-MM-dd, UTC) of the history: the first Data Extraction window, or where the first Reporting API"
                        + " pass starts; empty: yesterday.",
                GROUP,
                ++order,
                Width.SHORT,
                "Start date");
        def.define(
                WINDOW_DAYS,
                Type.INT,
                1,
                ConfigDef.Range.between(1, 14),
                Importance.MEDIUM,
                "Days per Data Extraction job (CXone allows at most 14).",
                GROUP,
                ++order,
                Width.SHORT,
                "Window days");
        def.define(
                LAG_MINUTES,
                Type.INT,
                30,
                ConfigDef.Range.atLeast(0),
                Importance.LOW,
                "A window is exported only once it ended this many minutes ago (CXone data can lag up to 30 min).",
                GROUP,
                ++order,
                Width.SHORT,
                "Lag minutes");
        def.define(
                EXTRACTION_CALL_INTERVAL_MS,
                Type.LONG,
                30_000L,
                ConfigDef.Range.between(0, 600_000L),
                Importance.MEDIUM,
                "Data Extraction calls (job create, job status) of one tenant are spaced this far apart: CXone accepts"
                        + " one per 30 s per tenant and answers 429 to the rest. The tenant's entities run in one task,"
                        + " which creates the next window's job while the current window's rows are written. 0: no"
                        + " spacing (a simulator without the limit).",
                GROUP,
                ++order,
                Width.SHORT,
                "Call interval");
        def.define(
                CSV_COLUMN_TYPES,
                Type.LIST,
                List.of(),
                new ColumnTypesValidator(),
                Importance.MEDIUM,
                "Types of CSV columns as column:type (string, long, double, boolean, timestamp); other columns are strings.",
                GROUP,
                ++order,
                Width.LONG,
                "CSV column types");
        def.define(
                EXPORT_INTERVAL_MS,
                Type.LONG,
                300_000L,
                ConfigDef.Range.atLeast(0),
                Importance.LOW,
                "Records API: wait this long after an export completes before triggering the next one. Reporting API:"
                        + " wait this long after an incremental pass completes before the next pass.",
                GROUP,
                ++order,
                Width.SHORT,
                "Export interval");
    }

    static final class DateValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String v = value == null ? "" : value.toString();
            if (v.isBlank()) {
                return;
            }
            try {
                LocalDate.parse(v);
            } catch (DateTimeParseException e) {
                throw new ConfigException(name, value, "must be a date yyyy-MM-dd, e.g. 2026-01-31");
            }
        }

        @Override
        public String toString() {
            return "yyyy-MM-dd or empty";
        }
    }

    static final class ColumnTypesValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> entries = (List<String>) value;
            for (String entry : entries) {
                String[] parts = entry.split(":", 2);
                if (parts.length != 2 || parts[0].isBlank()) {
                    throw new ConfigException(name, value, "entry '" + entry + "' must be column:type");
                }
                try {
                    FieldType type = FieldType.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
                    if (type == FieldType.JSON || type == FieldType.UNKNOWN) {
                        throw new IllegalArgumentException();
                    }
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(
                            name,
                            value,
                            "entry '" + entry + "': type must be string, long, double, boolean or timestamp");
                }
            }
        }

        @Override
        public String toString() {
            return "list of column:type (string|long|double|boolean|timestamp)";
        }
    }
}

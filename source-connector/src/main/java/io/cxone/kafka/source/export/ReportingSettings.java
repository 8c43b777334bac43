package io.cxone.kafka.source.export;

import static io.cxone.kafka.source.export.ExportSourceConfig.REPORTING_API_VERSION;
import static io.cxone.kafka.source.export.ExportSourceConfig.REPORTING_DEDUPE_MAX_VERSIONS;
import static io.cxone.kafka.source.export.ExportSourceConfig.REPORTING_LOOKBACK_DAYS;
import static io.cxone.kafka.source.export.ExportSourceConfig.REPORTING_OVERLAP_MS;

import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the Reporting API flavour: the API version, and how incremental passes overlap and look back. */
final class ReportingSettings {

    private static final String GROUP = "Reporting API";
    private static final Pattern VERSION = Pattern.compile("v\\d{1,3}\\.\\d{1,3}");

    private ReportingSettings() {}

    static final class VersionValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || !VERSION.matcher(value.toString().trim()).matches()) {
                throw new ConfigException(name, value, "must be a version segment such as v27.0");
            }
        }

        @Override
        public String toString() {
            return "v<major>.<minor>, e.g. v27.0";
        }
    }

    static void define(ConfigDef def) {
        int order = 0;
        def.define(
                REPORTING_API_VERSION,
                Type.STRING,
                "v27.0",
                new VersionValidator(),
                Importance.MEDIUM,
                "Version segment of the Reporting API paths ({api_endpoint}/incontactapi/services/<version>/...), as"
                        + " the tenant serves it.",
                GROUP,
                ++order,
                Width.SHORT,
                "API version");
        def.define(
                REPORTING_OVERLAP_MS,
                Type.LONG,
                1_800_000L,
                ConfigDef.Range.between(0, 86_400_000L),
                Importance.MEDIUM,
                "An incremental pass asks for rows updated since the previous pass's lastPollTime minus this much:"
                        + " CXone's reporting data trails lastPollTime by up to ~30 min, and a version that becomes"
                        + " visible later than the overlap is missed. Versions seen again in the overlap (same key and"
                        + " lastUpdateTime) are not written again.",
                GROUP,
                ++order,
                Width.SHORT,
                "Overlap");
        def.define(
                REPORTING_LOOKBACK_DAYS,
                Type.INT,
                7,
                ConfigDef.Range.between(1, 365),
                Importance.LOW,
                "An incremental pass covers rows whose date (contact or state start) is at most this many days before"
                        + " the previous pass's end: a row changed later than that after it started is not seen. One"
                        + " request window (31 days, 15 for custom data) covers it unless it is longer.",
                GROUP,
                ++order,
                Width.SHORT,
                "Lookback days");
        def.define(
                REPORTING_DEDUPE_MAX_VERSIONS,
                Type.INT,
                10_000,
                ConfigDef.Range.between(0, 50_000),
                Importance.LOW,
                "Most versions (key and lastUpdateTime) remembered in the checkpoint to skip in the next pass's"
                        + " overlap: those a pass writes that changed after its watermark minus the overlap, which in"
                        + " a long pass is every version that changed while it ran. Past this many the oldest are"
                        + " forgotten and may be written a second time (logged once per pass, metric"
                        + " reporting-dedupe-evictions-total; an upsert by key absorbs them).",
                GROUP,
                ++order,
                Width.SHORT,
                "Dedupe capacity");
    }
}

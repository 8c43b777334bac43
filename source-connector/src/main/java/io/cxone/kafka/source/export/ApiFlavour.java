package io.cxone.kafka.source.export;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The CXone API shapes the export connector speaks. */
public enum ApiFlavour {
    /** The seed contract: client_credentials, export trigger, limit/offset pages of JSON. */
    RECORDS("records"),
    /** Real CXone: OIDC password grant, tenant discovery, Data Extraction jobs with CSV files. */
    DATA_EXTRACTION("data-extraction"),
    /** Real CXone: the same sign-in, incremental passes over Reporting API endpoints ({@code updatedSince}, paging). */
    REPORTING("reporting");

    private final String configName;

    ApiFlavour(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Whether the flavour signs in to real CXone with access keys (password grant, tenant discovery). */
    public boolean usesAccessKeys() {
        return this != RECORDS;
    }

    public static ApiFlavour parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(f -> f.configName.equals(v))
                .findFirst()
                .orElse(null);
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ApiFlavour::configName).toList();
    }
}

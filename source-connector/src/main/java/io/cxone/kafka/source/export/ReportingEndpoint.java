package io.cxone.kafka.source.export;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Reporting API endpoints the connector reads (CXone's {@code /incontactapi/services/{version}/...}): the array
 * an answer carries its rows in, the key a row is identified by (the record key, and the order pages are read in),
 * the longest date range one request may ask for, and the fields that are instants (typed as timestamps).
 */
public enum ReportingEndpoint {
    CONTACTS_COMPLETED(
            "contacts/completed", "completedContacts", "contactId", 31, List.of("contactStartDate", "lastUpdateTime")),
    AGENT_STATE_HISTORY(
            "agents/state-history",
            "agentStateHistory",
            "agentStateId",
            31,
            List.of("startDate", "endDate", "lastUpdateTime")),
    AGENT_INTERACTION_HISTORY(
            "agents/interaction-history",
            "agentInteractionHistory",
            "interactionId",
            31,
            List.of("startDate", "endDate", "lastUpdateTime")),
    CONTACT_CUSTOM_DATA(
            "contacts/custom-data", "customData", "customDataId", 15, List.of("contactStartDate", "lastUpdateTime"));

    /** The field every endpoint's rows carry: when the row last changed. */
    public static final String LAST_UPDATE_TIME = "lastUpdateTime";

    private final String path;
    private final String arrayName;
    private final String keyField;
    private final int maxWindowDays;
    private final List<String> instantFields;

    ReportingEndpoint(String path, String arrayName, String keyField, int maxWindowDays, List<String> instantFields) {
        this.path = path;
        this.arrayName = arrayName;
        this.keyField = keyField;
        this.maxWindowDays = maxWindowDays;
        this.instantFields = instantFields;
    }

    public String path() {
        return path;
    }

    public String arrayName() {
        return arrayName;
    }

    public String keyField() {
        return keyField;
    }

    public int maxWindowDays() {
        return maxWindowDays;
    }

    public List<String> instantFields() {
        return instantFields;
    }

    public static Optional<ReportingEndpoint> of(String path) {
        return Arrays.stream(values()).filter(e -> e.path.equals(path)).findFirst();
    }

    public static List<String> paths() {
        return Arrays.stream(values()).map(ReportingEndpoint::path).toList();
    }
}

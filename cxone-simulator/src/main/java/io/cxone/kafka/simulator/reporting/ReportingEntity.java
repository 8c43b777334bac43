package io.cxone.kafka.simulator.reporting;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The Reporting API entities the simulator serves (CXONE.md, section D): where each lives under
 * {@code /incontactapi/services/{version}/}, the name of the array its answer carries, its key, the date its
 * {@code startDate}/{@code endDate} window filters on, whether a row changes after it first appears (a completed
 * contact's disposition notes, a custom-data value), and the longest window one request may ask for.
 */
public enum ReportingEntity {
    CONTACTS_COMPLETED(
            "contacts/completed",
            "completedContacts",
            "contactId",
            "contactStartDate",
            true,
            31,
            1_000_000_000L,
            List.of(
                    "contactId",
                    "masterContactId",
                    "contactStartDate",
                    "lastUpdateTime",
                    "agentId",
                    "skillId",
                    "teamId",
                    "mediaTypeName",
                    "agentSeconds",
                    "inQueueSeconds",
                    "abandoned",
                    "dispositionNotes",
                    "fromAddress",
                    "toAddress",
                    "isWarehoused",
                    "tags")),
    AGENT_STATE_HISTORY(
            "agents/state-history",
            "agentStateHistory",
            "agentStateId",
            "startDate",
            false,
            31,
            2_000_000_000L,
            List.of(
                    "agentStateId",
                    "agentId",
                    "startDate",
                    "endDate",
                    "agentStateName",
                    "outStateDescription",
                    "skillId",
                    "contactId",
                    "durationSeconds",
                    "lastUpdateTime")),
    AGENT_INTERACTION_HISTORY(
            "agents/interaction-history",
            "agentInteractionHistory",
            "interactionId",
            "startDate",
            false,
            31,
            3_000_000_000L,
            List.of(
                    "interactionId",
                    "agentId",
                    "contactId",
                    "mediaTypeName",
                    "skillId",
                    "startDate",
                    "endDate",
                    "durationSeconds",
                    "lastUpdateTime")),
    CONTACT_CUSTOM_DATA(
            "contacts/custom-data",
            "customData",
            "customDataId",
            "contactStartDate",
            true,
            15,
            4_000_000_000L,
            List.of("customDataId", "contactId", "contactStartDate", "name", "value", "lastUpdateTime"));

    private final String path;
    private final String arrayName;
    private final String keyField;
    private final String windowField;
    private final boolean updatedAfterCompletion;
    private final int maxWindowDays;
    private final long firstKey;
    private final List<String> fields;

    ReportingEntity(
            String path,
            String arrayName,
            String keyField,
            String windowField,
            boolean updatedAfterCompletion,
            int maxWindowDays,
            long firstKey,
            List<String> fields) {
        this.path = path;
        this.arrayName = arrayName;
        this.keyField = keyField;
        this.windowField = windowField;
        this.updatedAfterCompletion = updatedAfterCompletion;
        this.maxWindowDays = maxWindowDays;
        this.firstKey = firstKey;
        this.fields = fields;
    }

    /** Below the version segment, e.g. {@code contacts/completed}. */
    public String path() {
        return path;
    }

    public String arrayName() {
        return arrayName;
    }

    public String keyField() {
        return keyField;
    }

    public String windowField() {
        return windowField;
    }

    public boolean updatedAfterCompletion() {
        return updatedAfterCompletion;
    }

    public int maxWindowDays() {
        return maxWindowDays;
    }

    /** The key of row {@code index}: keys grow with the index, so ordering by key is ordering by completion. */
    public long key(long index) {
        return firstKey + index;
    }

    public List<String> fields() {
        return fields;
    }

    public static Optional<ReportingEntity> fromPath(String path) {
        return Arrays.stream(values()).filter(e -> e.path.equals(path)).findFirst();
    }
}

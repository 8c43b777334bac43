package io.cxone.kafka.simulator.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowGeneratorTest {
    private static final DataSet REPORT = DataSet.report("report-a", 100);

    @Test
    void sameSeedAndDataSetGiveIdenticalRowsFromAnyOffset() {
        RowGenerator first = new RowGenerator(7, FieldSpec.defaultShape());
        RowGenerator second = new RowGenerator(7, FieldSpec.defaultShape());

        List<Map<String, Object>> all = first.rows(REPORT, 0, 100, 0, null);
        assertThat(second.rows(REPORT, 0, 100, 0, null)).isEqualTo(all);
        // Random access: a page read at offset 40 equals rows 40..49 of the full read.
        assertThat(second.rows(REPORT, 40, 10, 0, null)).isEqualTo(all.subList(40, 50));
    }

    @Test
    void seedAndDataSetChangeTheRows() {
        RowGenerator generator = new RowGenerator(7, FieldSpec.defaultShape());
        List<Map<String, Object>> rows = generator.rows(REPORT, 0, 10, 0, null);

        assertThat(new RowGenerator(8, FieldSpec.defaultShape()).rows(REPORT, 0, 10, 0, null))
                .isNotEqualTo(rows);
        assertThat(generator.rows(DataSet.report("report-b", 100), 0, 10, 0, null))
                .isNotEqualTo(rows);
    }

    @Test
    void rowsFollowTheShapeInOrderWithTypedValuesAndUniqueIds() {
        List<FieldSpec> shape = FieldSpec.parseShape("id:long,name:string,amount:double,flag:boolean,at:timestamp");
        List<Map<String, Object>> rows = new RowGenerator(1, shape).rows(REPORT, 0, 100, 0, null);

        assertThat(rows.get(0).keySet()).containsExactly("id", "name", "amount", "flag", "at");
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.get("id")).isInstanceOf(Long.class);
            assertThat(row.get("name")).isInstanceOf(String.class);
            assertThat(row.get("amount")).isInstanceOf(Double.class);
            assertThat(row.get("flag")).isInstanceOf(Boolean.class);
            assertThat((String) row.get("at")).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        });
        assertThat(new HashSet<>(rows.stream().map(r -> r.get("id")).toList())).hasSize(100);
    }

    @Test
    void windowTimestampsStayInsideTheWindow() {
        Instant start = Instant.parse("2026-03-01T00:00:00Z");
        Instant end = Instant.parse("2026-03-02T00:00:00Z");
        DataSet window = DataSet.window("entity", "7", start, end, 50);
        List<Map<String, Object>> rows = new RowGenerator(1, FieldSpec.defaultShape()).rows(window, 0, 50, 0, null);

        assertThat(rows).allSatisfy(row -> assertThat(Instant.parse((String) row.get("event_time")))
                .isBetween(start, end));
    }

    @Test
    void anotherGenerationKeepsIdsButChangesValues() {
        RowGenerator generator = new RowGenerator(7, FieldSpec.defaultShape());
        List<Map<String, Object>> original = generator.rows(REPORT, 0, 10, 0, null);
        List<Map<String, Object>> changed = generator.rows(REPORT, 0, 10, 1, null);

        assertThat(changed)
                .extracting(r -> r.get("id"))
                .isEqualTo(original.stream().map(r -> r.get("id")).toList());
        assertThat(changed).isNotEqualTo(original);
    }

    @Test
    void driftChangesOnlyRowsFromItsRowOn() {
        RowGenerator generator = new RowGenerator(7, FieldSpec.defaultShape());
        List<Map<String, Object>> baseline = generator.rows(REPORT, 0, 10, 0, null);

        List<Map<String, Object>> added = generator.rows(
                REPORT, 0, 10, 0, new SchemaDrift(SchemaDrift.Change.ADD, "channel", FieldType.STRING, 4));
        assertThat(added.subList(0, 4)).isEqualTo(baseline.subList(0, 4));
        assertThat(added.subList(4, 10)).allSatisfy(row -> assertThat(row).containsKey("channel"));

        List<Map<String, Object>> removed =
                generator.rows(REPORT, 0, 10, 0, new SchemaDrift(SchemaDrift.Change.REMOVE, "score", null, 4));
        assertThat(removed.subList(0, 4)).isEqualTo(baseline.subList(0, 4));
        assertThat(removed.subList(4, 10)).allSatisfy(row -> assertThat(row).doesNotContainKey("score"));

        List<Map<String, Object>> retyped = generator.rows(
                REPORT, 0, 10, 0, new SchemaDrift(SchemaDrift.Change.RETYPE, "duration_ms", FieldType.STRING, 4));
        assertThat(retyped.subList(0, 4)).isEqualTo(baseline.subList(0, 4));
        assertThat(retyped.subList(4, 10))
                .allSatisfy(row -> assertThat(row.get("duration_ms")).isInstanceOf(String.class));
    }

    @Test
    void timestampsAreIsoUtcWithMillisLikeDateTimeFormatter() {
        java.time.format.DateTimeFormatter reference = java.time.format.DateTimeFormatter.ofPattern(
                        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(java.time.ZoneOffset.UTC);
        for (long millis : new long[] {0L, 1L, 999L, 1_767_225_600_000L, 1_767_225_599_999L, 253_402_300_799_999L}) {
            assertThat(RowGenerator.isoUtcMillis(millis)).isEqualTo(reference.format(Instant.ofEpochMilli(millis)));
        }
    }

    @Test
    void badRowShapeSpecNamesTheProblem() {
        assertThatThrownBy(() -> FieldSpec.parseShape("id:string,score:float"))
                .hasMessageContaining("score")
                .hasMessageContaining("float");
        assertThatThrownBy(() -> FieldSpec.parseShape("id:string,id:long")).hasMessageContaining("twice");
        assertThatThrownBy(() -> FieldSpec.parseShape("justaname")).hasMessageContaining("name:type");
    }
}

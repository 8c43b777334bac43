package io.cxone.kafka.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/** The harness smoke test's connector: writes {@code count} Structs to {@code topic}, then stays idle. */
public class SmokeAvroSourceConnector extends SourceConnector {

    static final Schema VALUE_SCHEMA = SchemaBuilder.struct()
            .name("io.cxone.kafka.smoke.SmokeEvent")
            .field("id", Schema.STRING_SCHEMA)
            .field("seq", Schema.INT64_SCHEMA)
            .build();

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SmokeTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return new ConfigDef()
                .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "target topic")
                .define("count", ConfigDef.Type.INT, ConfigDef.Importance.HIGH, "records to write");
    }

    @Override
    public String version() {
        return "test";
    }

    public static class SmokeTask extends SourceTask {
        private String topic;
        private int count;
        private int next;

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
            count = Integer.parseInt(props.get("count"));
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            if (next >= count) {
                Thread.sleep(100);
                return null;
            }
            List<SourceRecord> batch = new ArrayList<>();
            for (; next < count; next++) {
                Struct value =
                        new Struct(VALUE_SCHEMA).put("id", "event-" + next).put("seq", (long) next);
                batch.add(new SourceRecord(
                        Map.of("smoke", topic),
                        Map.of("seq", next),
                        topic,
                        null,
                        Schema.STRING_SCHEMA,
                        "event-" + next,
                        VALUE_SCHEMA,
                        value));
            }
            return batch;
        }

        @Override
        public void stop() {}

        @Override
        public String version() {
            return "test";
        }
    }
}

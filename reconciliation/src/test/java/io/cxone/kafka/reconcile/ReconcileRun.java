package io.cxone.kafka.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxone.kafka.testkit.TestServices;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The command run in-process against the test services, as a user would run it: its exit code and output. */
record ReconcileRun(int code, String out, String err) {

    static ReconcileRun against(Path connectorsDir, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                TestServices.kafkaBootstrapServers(),
                "--registry-url",
                TestServices.registry().apicurioApiUrl(),
                "--elasticsearch-url",
                TestServices.elasticsearch().url(),
                "--connectors-dir",
                connectorsDir.toString(),
                "--timeout",
                "60"));
        args.addAll(List.of(extra));
        return of(args.toArray(String[]::new));
    }

    static ReconcileRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ReconcileCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
        return new ReconcileRun(code, out.toString(), err.toString());
    }

    JsonNode json() throws Exception {
        return new ObjectMapper().readTree(out);
    }

    /** The shipped connector JSON's config, as ./stack deploys it. */
    static Map<String, String> shipped(String file) throws Exception {
        JsonNode spec = new ObjectMapper().readTree(shippedDir().resolve(file).toFile());
        Map<String, String> config = new HashMap<>();
        spec.path("config")
                .fields()
                .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
        return config;
    }

    static Path shippedDir() {
        return TestServices.checkoutRoot().orElseThrow().resolve("connectors");
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
}

package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One of the project's own Java applications (CXone simulator, WebSocket bridge), run from its module's build output. */
public final class JavaAppService implements StackService {

    private final String name;
    private final Path moduleDir;
    private final String mainClass;
    private final List<String> args;
    private final int port;
    private final String healthPath;
    private final List<String> dependsOn;
    private final Path workDir;
    private final Path logFile;
    private GeneratedConfig config;

    /** A config file written before each start: the template with settings of this stack on top. */
    private record GeneratedConfig(Path template, Map<String, String> overrides, Path target) {}

    public JavaAppService(
            String name,
            Path moduleDir,
            String mainClass,
            List<String> args,
            int port,
            String healthPath,
            List<String> dependsOn,
            Path workDir,
            Path logFile) {
        this.name = name;
        this.moduleDir = moduleDir;
        this.mainClass = mainClass;
        this.args = args;
        this.port = port;
        this.healthPath = healthPath;
        this.dependsOn = dependsOn;
        this.workDir = workDir;
        this.logFile = logFile;
    }

    /**
     * From now on, each start first writes {@code template} with {@code overrides} to {@code target}
     * (the file its arguments name), e.g. the bridge's settings with the stack's list of brokers.
     */
    public JavaAppService withConfig(Path template, Map<String, String> overrides, Path target) {
        this.config = new GeneratedConfig(template, Map.copyOf(overrides), target);
        return this;
    }

    /** False while the module has no application yet (its main class is not built). */
    public boolean isBuilt() {
        return Files.isRegularFile(classesDir().resolve(mainClass.replace('.', '/') + ".class"))
                && Files.isRegularFile(moduleDir.resolve("target/classpath.txt"));
    }

    private Path classesDir() {
        return moduleDir.resolve("target/classes");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public List<Integer> ports() {
        return List.of(port);
    }

    @Override
    public List<String> dependsOn() {
        return dependsOn;
    }

    @Override
    public ManagedProcess start() {
        String classpath;
        try {
            classpath = classesDir() + ":"
                    + Files.readString(moduleDir.resolve("target/classpath.txt"))
                            .trim();
        } catch (IOException e) {
            throw new StackException(
                    name + ": cannot read " + moduleDir.resolve("target/classpath.txt")
                            + " (build the module: mvn -q -DskipTests package): " + e.getMessage(),
                    e);
        }
        if (config != null) {
            try {
                Files.createDirectories(config.target().getParent());
                StackConfig.store(
                        StackConfig.derived(config.template(), config.overrides()),
                        config.target(),
                        "generated from " + config.template() + " by ./stack");
            } catch (IOException e) {
                throw new StackException(name + ": could not write " + config.target() + ": " + e.getMessage(), e);
            }
        }
        return ManagedProcess.start(
                name, JavaCommand.of("256m", classpath, List.of(), mainClass, args), Map.of(), workDir, logFile);
    }

    @Override
    public boolean isHealthy() {
        return HttpProbe.isOk(url() + healthPath);
    }
}

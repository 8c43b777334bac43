package io.cxone.kafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.connect.runtime.isolation.PluginDesc;
import org.apache.kafka.connect.runtime.isolation.Plugins;

/**
 * What a built Connect plugin folder (target/plugin/cxone-<module>) and its zip contain, for packaging tests. The folder
 * is laid out as a Confluent Hub component: manifest.json, lib/ (the jars), doc/ (LICENSE, NOTICE, README).
 */
public final class ConnectPluginFolder {

    /** A NOTICE line names a bundled component as {@code (groupId:artifactId:version} (license-maven-plugin template). */
    private static final Pattern NOTICE_COORDINATES = Pattern.compile("\\(([^:()\\s]+):([^:()\\s]+):([^:()\\s]+)");

    private final Path folder;

    public ConnectPluginFolder(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("no plugin folder at " + folder + " (built by 'mvn package')");
        }
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    public List<String> jarNames() {
        try (Stream<Path> files = Files.list(folder.resolve("lib"))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".jar"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines of {@code META-INF/services/<serviceInterface>} in the jar named {@code jarName}. */
    public List<String> serviceEntries(String jarName, String serviceInterface) {
        try (JarFile jar = new JarFile(folder.resolve("lib").resolve(jarName).toFile())) {
            ZipEntry entry = jar.getEntry("META-INF/services/" + serviceInterface);
            if (entry == null) {
                return List.of();
            }
            return new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connectors and converters a Connect worker with {@code plugin.discovery=service_load} finds in this folder,
     * scanned by the worker's own plugin code ({@link Plugins}): what a worker configured like config/ can load.
     */
    public Set<String> discoveredByServiceLoader() {
        Plugins plugins = plugins();
        // The worker names a plugin's location as a URL ("file:/.../"); classes also on this JVM's classpath say
        // "classpath".
        String location = folder.toAbsolutePath().toFile().toURI().toString();
        Set<String> found = new TreeSet<>();
        Stream.of(plugins.sourceConnectors(), plugins.sinkConnectors(), plugins.converters())
                .flatMap(Set::stream)
                .filter(desc -> desc.location().startsWith(location))
                .map(PluginDesc::className)
                .forEach(found::add);
        return found;
    }

    /**
     * The isolated class loader such a worker gives {@code connectorClass}, and with it the converters configured on
     * that connector: a class this folder's jars hold is loaded by it (child first), any other comes from the parent.
     */
    public ClassLoader connectorLoader(String connectorClass) {
        ClassLoader workerLoader = plugins().delegatingLoader();
        try {
            return Class.forName(connectorClass, false, workerLoader).getClassLoader();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("no connector " + connectorClass + " in " + folder, e);
        }
    }

    private Plugins plugins() {
        return new Plugins(Map.of(
                "plugin.path", folder.toAbsolutePath().getParent().toString(), "plugin.discovery", "service_load"));
    }

    /** Every file of the folder, as paths relative to it with '/' (zip entry style). */
    public List<String> fileNames() {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Confluent Hub manifest at the top of the folder. */
    public JsonNode manifest() {
        try {
            return new ObjectMapper().readTree(folder.resolve("manifest.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file under doc/ (LICENSE, NOTICE, README.md). */
    public String doc(String name) {
        try {
            return Files.readString(folder.resolve("doc").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar names ({@code artifactId-version.jar}) of the components doc/NOTICE names. */
    public Set<String> jarsNamedInNotice() {
        Set<String> jars = new TreeSet<>();
        Matcher m = NOTICE_COORDINATES.matcher(doc("NOTICE"));
        while (m.find()) {
            jars.add(m.group(2) + "-" + m.group(3) + ".jar");
        }
        return jars;
    }

    /** Entry names of a zip, for comparing the distributable zip with the folder. */
    public static List<String> zipEntries(Path zip) {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            return file.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> !n.endsWith("/"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

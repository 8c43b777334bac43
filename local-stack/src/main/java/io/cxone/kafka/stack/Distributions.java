package io.cxone.kafka.stack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The Elasticsearch and Apicurio Registry distributions. Maven downloads them into the local repository
 * (they are dependencies of this module, so ~/.m2 caches them); this class unpacks each once into a
 * cache folder and hands back its home directory. A second start reads nothing from the network.
 */
public final class Distributions {

    private final Properties versions;
    private final Path cacheDir;

    public Distributions(Path cacheDir) {
        this.cacheDir = cacheDir;
        this.versions = new Properties();
        try (InputStream in = Distributions.class.getResourceAsStream("/cxone-stack.properties")) {
            if (in == null) {
                throw new StackException(
                        "cxone-stack.properties missing from the classpath: build local-stack with Maven");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new StackException("cxone-stack.properties unreadable: " + e.getMessage(), e);
        }
    }

    public String elasticsearchVersion() {
        return versions.getProperty("elasticsearch.version");
    }

    public String apicurioVersion() {
        return versions.getProperty("apicurio.version");
    }

    /** Elasticsearch home (integ-test zip: no bundled JDK, no ILM). */
    public Path elasticsearchHome() {
        String v = elasticsearchVersion();
        Path archive = localRepository()
                .resolve("org/elasticsearch/distribution/integ-test-zip/elasticsearch/" + v + "/elasticsearch-" + v
                        + ".zip");
        Path home = unpackOnce(archive, "elasticsearch-" + v);
        return home.resolve("elasticsearch-" + v);
    }

    /** Apicurio Registry home: the runner jar plus lib/. */
    public Path registryHome() {
        String v = apicurioVersion();
        Path archive = localRepository()
                .resolve("io/apicurio/apicurio-registry-app/" + v + "/apicurio-registry-app-" + v + "-all.tar.gz");
        return unpackOnce(archive, "apicurio-registry-" + v);
    }

    public Path registryRunnerJar() {
        return registryHome().resolve("apicurio-registry-app-" + apicurioVersion() + "-runner.jar");
    }

    private Path localRepository() {
        return Path.of(versions.getProperty("maven.local.repository"));
    }

    private synchronized Path unpackOnce(Path archive, String name) {
        Path target = cacheDir.resolve(name);
        if (Files.exists(target.resolve(".unpacked"))) {
            return target;
        }
        if (!Files.isRegularFile(archive)) {
            throw new StackException(archive.getFileName() + " is not in the local Maven repository (" + archive
                    + "). Build the project once with Maven while online: mvn -q -DskipTests package");
        }
        Path staging =
                cacheDir.resolve(name + ".partial-" + ProcessHandle.current().pid());
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
                    ArchiveInputStream<? extends ArchiveEntry> in =
                            archive.toString().endsWith(".zip")
                                    ? new ZipArchiveInputStream(raw)
                                    : new TarArchiveInputStream(new GzipCompressorInputStream(raw))) {
                ArchiveEntry entry;
                while ((entry = in.getNextEntry()) != null) {
                    Path out = staging.resolve(entry.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new StackException(
                                "archive entry escapes its folder: " + entry.getName() + " in " + archive);
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                        continue;
                    }
                    Files.createDirectories(out.getParent());
                    Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    int mode = entry instanceof ZipArchiveEntry z
                            ? z.getUnixMode()
                            : entry instanceof TarArchiveEntry t ? t.getMode() : 0;
                    // Some zips carry no Unix modes; their launch scripts still need the execute bit.
                    if (mode == 0 && entry.getName().contains("/bin/")) {
                        mode = 0755;
                    }
                    Files.setPosixFilePermissions(out, permissions(mode));
                }
            }
            Files.writeString(staging.resolve(".unpacked"), archive.toString());
            deleteTree(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new StackException("could not unpack " + archive + " into " + target + ": " + e.getMessage(), e);
        }
    }

    /** Archive mode bits, made readable by all (Elasticsearch runs as another user when we are root). */
    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.of(
                PosixFilePermission.OWNER_READ,
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            perms.addAll(EnumSet.of(
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return perms;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

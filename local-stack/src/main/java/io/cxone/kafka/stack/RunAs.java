package io.cxone.kafka.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running a server as an unprivileged user when the launcher is root (Elasticsearch refuses root). */
public final class RunAs {
    private RunAs() {}

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Command prefix that execs the program as {@code user} (no extra process, so pids and signals stay direct). */
    static List<String> prefix(String user) {
        return List.of("/usr/bin/setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--");
    }

    static synchronized void ensureSystemUser(String user) {
        if (run(List.of("id", "-u", user)) == 0) {
            return;
        }
        int code = run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user));
        if (code != 0 && run(List.of("id", "-u", user)) != 0) {
            throw new StackException("could not create the system user '" + user + "' that runs Elasticsearch"
                    + " (Elasticsearch refuses to run as root): useradd exited with " + code);
        }
    }

    /** True when every parent of {@code dir} can be entered by other users. */
    public static boolean reachableByOthers(Path dir) {
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            try {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Fails with the folder to fix when {@code user} cannot traverse a parent of {@code dir}. */
    static void requireReachable(String user, Path dir) {
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new StackException(
                            "Elasticsearch runs as user '" + user + "' (it refuses root), and that user"
                                    + " cannot enter " + p + " on the way to " + dir + ". Fix: chmod o+x " + p
                                    + ", or keep the project (or CXONE_STACK_HOME) under a folder others can enter, e.g. /work or /tmp.");
                }
            } catch (IOException e) {
                throw new StackException("cannot read permissions of " + p + ": " + e.getMessage(), e);
            }
        }
    }

    static void chownTree(String user, Path dir) {
        int code = run(List.of("chown", "-R", user + ":" + user, dir.toString()));
        if (code != 0) {
            throw new StackException("chown -R " + user + " " + dir + " failed with exit code " + code);
        }
    }

    private static int run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}

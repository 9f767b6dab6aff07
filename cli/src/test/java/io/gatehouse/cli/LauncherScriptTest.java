package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK discovery that ./gatehouse and ./test share (bin/jdk.sh), against fake JDKs of known versions. */
class LauncherScriptTest {
    static final Path SCRIPT = Path.of("..", "bin", "jdk.sh").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    Path fakeJdk(String name, String version, boolean withJavac) throws IOException {
        Path bin = Files.createDirectories(dir.resolve(name).resolve("bin"));
        executable(bin.resolve("java"), "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2025-01-01' >&2\n");
        if (withJavac) {
            executable(bin.resolve("javac"), "#!/bin/sh\nexit 0\n");
        }
        return dir.resolve(name);
    }

    static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Result(int code, String out, String err) {}

    Result find(Map<String, String> env) throws Exception {
        ProcessBuilder pb =
                new ProcessBuilder("bash", "-c", ". '" + SCRIPT + "' && gatehouse_find_jdk && echo \"$JAVA_HOME\"");
        pb.environment().clear();
        pb.environment().put("PATH", dir.resolve("path-bin") + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Files.createDirectories(dir.resolve("path-bin"));
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip(),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void javaHomeWinsWhenItIsNewEnough() throws Exception {
        Path jdk21 = fakeJdk("jdk-21", "21.0.5", true);
        Path jvms = Files.createDirectories(dir.resolve("jvms"));
        fakeJdk("jvms/jdk-25", "25.0.1", true);
        Result r = find(Map.of("JAVA_HOME", jdk21.toString(), "GATEHOUSE_JVM_DIR", jvms.toString()));
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(jdk21.toString());
    }

    @Test
    void anOldJavaHomeFallsThroughToTheJvmDirectory() throws Exception {
        Path jdk17 = fakeJdk("jdk-17", "17.0.15", true);
        Path jvms = Files.createDirectories(dir.resolve("jvms"));
        Path jdk25 = fakeJdk("jvms/temurin-25", "25.0.1", true);
        fakeJdk("jvms/openjdk-17", "17.0.15", true);
        Result r = find(Map.of("JAVA_HOME", jdk17.toString(), "GATEHOUSE_JVM_DIR", jvms.toString()));
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo(jdk25.toString());
    }

    @Test
    void javaOnPathIsUsedWhenJavaHomeIsUnset() throws Exception {
        Path jdk22 = fakeJdk("jdk-22", "22", true);
        Files.createDirectories(dir.resolve("path-bin"));
        Files.createSymbolicLink(dir.resolve("path-bin").resolve("java"), jdk22.resolve("bin/java"));
        Result r = find(Map.of("GATEHOUSE_JVM_DIR", dir.resolve("none").toString()));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(jdk22.toString());
    }

    @Test
    void whenNothingFitsItNamesWhatItFound() throws Exception {
        Path jdk17 = fakeJdk("jdk-17", "17.0.15", true);
        Path jvms = Files.createDirectories(dir.resolve("jvms"));
        fakeJdk("jvms/jre-21", "21.0.5", false);
        fakeJdk("jvms/java-8", "1.8.0_392", true);
        Result r = find(Map.of("JAVA_HOME", jdk17.toString(), "GATEHOUSE_JVM_DIR", jvms.toString()));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("needs a JDK 21 or newer")
                .contains("JAVA_HOME: " + jdk17 + " (Java 17)")
                .contains("jre-21 (Java 21, a JRE without javac)")
                .contains("java-8 (Java 8)")
                .contains("set JAVA_HOME");
    }
}

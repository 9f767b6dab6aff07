package io.gatehouse.cli;

/** Entry point of the {@code gatehouse} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("gatehouse");
    }
}

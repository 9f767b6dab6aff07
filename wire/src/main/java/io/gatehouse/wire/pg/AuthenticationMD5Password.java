package io.gatehouse.wire.pg;

/** 'R' code 5: the server asks for {@code "md5" + md5(md5(password + user) + salt)}; 4-byte salt. */
public record AuthenticationMD5Password(Bytes salt) implements BackendMessage {}

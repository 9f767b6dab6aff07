package io.gatehouse.audit.bundle;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gatehouse.audit.MalformedRecordException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The bundle's JSON form (docs/record-format.md, "Bundle"): UTF-8 JSON with fields {@code format} (= {@link
 * #FORMAT}), {@code origin}, {@code checkpoint} (the signed note text), and {@code entries}, each {@code {index,
 * entry, inclusionProof}} with bytes in standard base64. Reading is strict and bounded: unknown or duplicate fields,
 * wrong types, bad base64, more than {@link #MAX_ENTRIES} entries or proofs longer than {@link #MAX_PROOF} hashes
 * are {@link MalformedRecordException}s.
 */
public final class BundleCodec {
    public static final String FORMAT = "gatehouse-audit-bundle/1";
    public static final int MAX_ENTRIES = 1_000_000;
    /** A tree of at most 2^63 leaves has inclusion proofs of at most 63 hashes. */
    public static final int MAX_PROOF = 64;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private BundleCodec() {}

    public static byte[] write(Bundle bundle) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("origin", bundle.origin());
        root.put("checkpoint", bundle.checkpointNote());
        ArrayNode entries = root.putArray("entries");
        Base64.Encoder base64 = Base64.getEncoder();
        for (BundleEntry entry : bundle.entries()) {
            ObjectNode node = entries.addObject();
            node.put("index", entry.index());
            node.put("entry", base64.encodeToString(entry.entry()));
            ArrayNode proof = node.putArray("inclusionProof");
            entry.inclusionProof().forEach(hash -> proof.add(base64.encodeToString(hash)));
        }
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to memory cannot fail", e);
        }
    }

    public static Bundle read(byte[] json) throws MalformedRecordException {
        if (json == null) {
            throw new MalformedRecordException(-1, "no bundle bytes (null)");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new MalformedRecordException(
                    at == null ? -1 : at.getByteOffset(), "bundle is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedRecordException(-1, "bundle is not readable JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw bad("bundle", "a JSON object");
        }
        onlyFields(root, "bundle", Set.of("format", "origin", "checkpoint", "entries"));
        String format = text(root, "format", "bundle");
        if (!format.equals(FORMAT)) {
            throw new MalformedRecordException(-1, "bundle format is '" + format + "', expected '" + FORMAT + "'");
        }
        String origin = text(root, "origin", "bundle");
        String checkpoint = text(root, "checkpoint", "bundle");
        JsonNode entries = root.get("entries");
        if (entries == null || !entries.isArray()) {
            throw bad("entries", "an array");
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new MalformedRecordException(
                    -1, "bundle has " + entries.size() + " entries, at most " + MAX_ENTRIES + " allowed");
        }
        List<BundleEntry> result = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            result.add(entry(entries.get(i), "entries[" + i + "]"));
        }
        return new Bundle(origin, checkpoint, result);
    }

    private static BundleEntry entry(JsonNode node, String where) throws MalformedRecordException {
        if (!node.isObject()) {
            throw bad(where, "an object");
        }
        onlyFields(node, where, Set.of("index", "entry", "inclusionProof"));
        JsonNode index = node.get("index");
        if (index == null || !index.isIntegralNumber() || !index.canConvertToLong() || index.asLong() < 0) {
            throw bad(where + ".index", "a non-negative integer");
        }
        byte[] entry = base64(text(node, "entry", where), where + ".entry");
        JsonNode proof = node.get("inclusionProof");
        if (proof == null || !proof.isArray()) {
            throw bad(where + ".inclusionProof", "an array");
        }
        if (proof.size() > MAX_PROOF) {
            throw new MalformedRecordException(
                    -1, where + ".inclusionProof has " + proof.size() + " hashes, at most " + MAX_PROOF + " allowed");
        }
        List<byte[]> hashes = new ArrayList<>(proof.size());
        for (int i = 0; i < proof.size(); i++) {
            String at = where + ".inclusionProof[" + i + "]";
            if (!proof.get(i).isTextual()) {
                throw bad(at, "a base64 string");
            }
            byte[] hash = base64(proof.get(i).textValue(), at);
            if (hash.length != 32) {
                throw new MalformedRecordException(-1, at + " is " + hash.length + " bytes, expected 32 (SHA-256)");
            }
            hashes.add(hash);
        }
        return new BundleEntry(index.asLong(), entry, hashes);
    }

    private static void onlyFields(JsonNode node, String where, Set<String> allowed) throws MalformedRecordException {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new MalformedRecordException(
                        -1, where + " has unknown field '" + name + "', expected only " + allowed);
            }
        }
    }

    private static String text(JsonNode node, String field, String where) throws MalformedRecordException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw bad(where + "." + field, "a string");
        }
        return value.textValue();
    }

    private static byte[] base64(String text, String where) throws MalformedRecordException {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedRecordException(-1, where + " is not standard base64: " + e.getMessage(), e);
        }
    }

    private static MalformedRecordException bad(String where, String expected) {
        return new MalformedRecordException(-1, where + " is missing or not " + expected);
    }
}

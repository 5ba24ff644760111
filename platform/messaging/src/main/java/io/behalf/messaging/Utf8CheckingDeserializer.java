package io.behalf.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A value deserializer that never fails (a failing deserializer would stop the channel) but marks a value that is
 * not valid UTF-8, so that {@link InboundEvent} makes it a dead letter instead of reading its replacement
 * characters as data. The dead letter then holds the decoded text; the exact bytes stay at the source topic,
 * partition and offset that its headers name.
 */
public class Utf8CheckingDeserializer extends StringDeserializer {

    static final String INVALID_UTF8 = "behalf-invalid-utf8";

    @Override
    public String deserialize(String topic, Headers headers, byte[] data) {
        if (data != null && headers != null) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data));
            } catch (CharacterCodingException e) {
                headers.add(INVALID_UTF8, new byte[] {1});
            }
        }
        return super.deserialize(topic, headers, data);
    }
}

package dev.strata.examples.webshop;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code new_users_events} message (scenario 003 §3.2): a JSON object of exactly six string
 * fields, {@code registration_date} as {@code yyyy-MM-dd HH:mm:ss} (UTC).
 */
public record Registration(String firstName, String lastName, String email, String phone, LocalDateTime registrationDate,
                           String loyaltyStatus) {
    static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The message's value. */
    public byte[] json() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("first_name", firstName);
        m.put("last_name", lastName);
        m.put("email", email);
        m.put("phone", phone);
        m.put("registration_date", TEXT.format(registrationDate));
        m.put("loyalty_status", loyaltyStatus);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

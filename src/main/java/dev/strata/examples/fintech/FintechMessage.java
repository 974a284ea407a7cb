package dev.strata.examples.fintech;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One message of the fintech topic: a transaction status message or a currency rate, in the
 * envelope of scenario 001 §3.1 ({@code object_id}, {@code object_type}, {@code sent_dttm},
 * {@code payload}). Kept as typed fields so ground truth never parses JSON; {@link #json()} renders
 * the exact bytes sent.
 */
public sealed interface FintechMessage {
    DateTimeFormatter SENT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    DateTimeFormatter TX_DT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    DateTimeFormatter RATE_DT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    ObjectMapper JSON = new ObjectMapper();

    LocalDateTime sentDttm();

    /** The envelope's {@code object_id}: the operation id of a transaction, the rate's own id. */
    String objectId();

    /** The business date: {@code transaction_dt}'s or {@code date_update}'s date. */
    LocalDate businessDate();

    byte[] json();

    /** A transaction status message; the same operation is sent once per status. */
    record Transaction(String operationId, long accountFrom, long accountTo, int currency, String country,
                       String status, String type, long amount, LocalDateTime transactionDt,
                       LocalDateTime sentDttm) implements FintechMessage {
        @Override
        public String objectId() {
            return operationId;
        }

        @Override
        public LocalDate businessDate() {
            return transactionDt.toLocalDate();
        }

        @Override
        public byte[] json() {
            ObjectNode root = JSON.createObjectNode();
            root.put("object_id", operationId);
            root.put("object_type", "TRANSACTION");
            root.put("sent_dttm", sentDttm.format(SENT));
            ObjectNode p = root.putObject("payload");
            p.put("operation_id", operationId);
            p.put("account_number_from", accountFrom);
            p.put("account_number_to", accountTo);
            p.put("currency_code", currency);
            p.put("country", country);
            p.put("status", status);
            p.put("transaction_type", type);
            p.put("amount", amount);
            p.put("transaction_dt", transactionDt.format(TX_DT));
            return root.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    /** A currency rate: units of {@code currencyWith} per one unit of {@code currency} on a day. */
    record Rate(String objectId, int currency, int currencyWith, BigDecimal div, LocalDateTime dateUpdate,
                LocalDateTime sentDttm) implements FintechMessage {
        @Override
        public LocalDate businessDate() {
            return dateUpdate.toLocalDate();
        }

        @Override
        public byte[] json() {
            ObjectNode root = JSON.createObjectNode();
            root.put("object_id", objectId);
            root.put("object_type", "CURRENCY");
            root.put("sent_dttm", sentDttm.format(SENT));
            ObjectNode p = root.putObject("payload");
            p.put("date_update", dateUpdate.format(RATE_DT));
            p.put("currency_code", currency);
            p.put("currency_code_with", currencyWith);
            p.put("currency_with_div", div);
            return root.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}

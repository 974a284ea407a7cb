package dev.strata.examples.airline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The generator's promises (scenario 000 §4): volumes, the zero cases, keys and references, the change script. */
class AirlineDataTest {
    private final AirlineData.Rows rows = AirlineData.fixture(AirlineData.SEED);
    private final List<AirlineData.Change> changes = AirlineData.changes(AirlineData.SEED, rows);

    @Test
    void shouldBeTheSameRowsForTheSameSeed() {
        assertThat(AirlineData.fixture(AirlineData.SEED)).isEqualTo(rows);
        assertThat(AirlineData.changes(AirlineData.SEED, rows)).isEqualTo(changes);
        assertThat(AirlineData.fixture(AirlineData.SEED + 1)).isNotEqualTo(rows);
    }

    @Test
    void shouldHaveTheScenariosVolumesAndZeroCases() {
        assertThat(rows.airports()).hasSize(20);
        assertThat(rows.aircrafts()).hasSize(5);
        assertThat(rows.flights()).hasSize(600);
        assertThat(rows.bookings()).hasSize(3_000);
        assertThat(rows.tickets().size()).isBetween(3_000, 9_000);
        assertThat(rows.ticketFlights().size()).isBetween(8_000, 10_000);
        Map<String, Long> seatsPer = rows.seats().stream().collect(Collectors.groupingBy(AirlineData.Seat::aircraftCode,
                Collectors.counting()));
        assertThat(seatsPer.values()).allSatisfy(n -> assertThat(n).isBetween(30L, 60L));
        Set<String> flown = new HashSet<>();
        rows.flights().forEach(f -> {
            flown.add(f.departureAirport());
            flown.add(f.arrivalAirport());
        });
        AirlineData.Rows after = AirlineData.apply(rows, changes);
        after.flights().forEach(f -> flown.add(f.departureAirport()));
        assertThat(rows.airports().stream().filter(a -> !flown.contains(a.code())).count()).isGreaterThanOrEqualTo(1);
        Set<Integer> ticketed = after.ticketFlights().stream().map(AirlineData.TicketFlight::flightId).collect(Collectors.toSet());
        assertThat(after.flights().stream().filter(f -> !ticketed.contains(f.id())).count()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void shouldKeepKeysUniqueAndReferencesValid() {
        assertThat(rows.flights()).allSatisfy(f -> {
            assertThat(f.departureAirport()).isNotEqualTo(f.arrivalAirport());
            assertThat(f.scheduledArrival()).isAfter(f.scheduledDeparture());
            assertThat(f.scheduledDeparture()).isBetween(AirlineData.FROM, AirlineData.TO);
            boolean flying = f.status().equals("Departed") || f.status().equals("Arrived");
            assertThat(f.actualDeparture() != null).isEqualTo(flying);
            assertThat(f.actualArrival() != null).isEqualTo(f.status().equals("Arrived"));
        });
        assertThat(rows.aircrafts()).allSatisfy(a -> assertThat(a.range()).isBetween(2000, 7000));
        Set<String> legs = new HashSet<>();
        rows.ticketFlights().forEach(tf -> assertThat(legs.add(tf.ticketNo() + "/" + tf.flightId())).isTrue());
        Map<Integer, AirlineData.Flight> flights = new HashMap<>();
        rows.flights().forEach(f -> flights.put(f.id(), f));
        Set<String> seats = new HashSet<>();
        rows.seats().forEach(s -> seats.add(s.aircraftCode() + "/" + s.seatNo()));
        Set<String> seatOnFlight = new HashSet<>();
        long onFlown = rows.ticketFlights().stream().filter(tf -> Set.of("Departed", "Arrived")
                .contains(flights.get(tf.flightId()).status())).count();
        assertThat(rows.boardingPasses()).allSatisfy(b -> {
            assertThat(legs).contains(b.ticketNo() + "/" + b.flightId());
            assertThat(seats).contains(flights.get(b.flightId()).aircraftCode() + "/" + b.seatNo());
            assertThat(seatOnFlight.add(b.flightId() + "/" + b.seatNo())).isTrue();
        });
        assertThat((double) rows.boardingPasses().size() / onFlown).isBetween(0.85, 0.95);
    }

    @Test
    void shouldHaveTheChangeScriptOfSection4EndingWithTheMarker() {
        List<AirlineData.FlightStatus> status = changes.stream().filter(c -> c instanceof AirlineData.FlightStatus)
                .map(c -> (AirlineData.FlightStatus) c).toList();
        assertThat(status).hasSize(50);
        assertThat(status.stream().filter(s -> s.actualDeparture() != null)).hasSize(10);
        assertThat(changes.stream().filter(c -> c instanceof AirlineData.AirportName)).hasSize(1);
        assertThat(changes.stream().filter(c -> c instanceof AirlineData.NewBooking)).hasSize(10);
        assertThat(changes.stream().filter(c -> c instanceof AirlineData.FlightDeparture)).hasSize(1);
        List<AirlineData.DeleteLeg> deletes = changes.stream().filter(c -> c instanceof AirlineData.DeleteLeg)
                .map(c -> (AirlineData.DeleteLeg) c).toList();
        assertThat(deletes).hasSize(5);
        Set<String> boarded = new HashSet<>();
        rows.boardingPasses().forEach(b -> boarded.add(b.ticketNo() + "/" + b.flightId()));
        assertThat(deletes).allSatisfy(d -> assertThat(boarded).doesNotContain(d.ticketNo() + "/" + d.flightId()));
        assertThat(changes.get(changes.size() - 1)).isInstanceOf(AirlineData.Marker.class);
        AirlineData.Rows after = AirlineData.apply(rows, changes);
        assertThat(after.bookings()).hasSize(3_010);
        assertThat(after.ticketFlights()).hasSize(rows.ticketFlights().size() + 10 - 5);
        assertThat(AirlineData.events(changes)).containsEntry("flights", 52).containsEntry("airports", 1)
                .containsEntry("bookings", 10).containsEntry("tickets", 10).containsEntry("ticket_flights", 15);
    }
}

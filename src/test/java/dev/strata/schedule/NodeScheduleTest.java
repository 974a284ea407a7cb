package dev.strata.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.config.ScheduleSection;
import dev.strata.config.ScheduleSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeScheduleTest {
    @TempDir
    Path dir;

    private static Instant t(String s) {
        return Instant.parse(s.length() == 10 ? s + "T00:00:00Z" : s);
    }

    private ScheduleSection section(String schedule) {
        TestProject.write(dir, "name: s\nschedule:\n" + schedule, Map.of());
        return TestProject.load(dir).schedule();
    }

    private NodeSchedule fintech() {
        return NodeSchedule.of(section("""
                  defaults: { retries: 1, retry_delay: 5m }
                  marts:
                    cron: "@daily"
                    start: 2022-10-02
                    end: 2022-11-01
                    offset: -1d
                    depends_on_past: true
                    wait_for_downstream: true
                """).forNode("make_cdm", ScheduleSection.Layer.MARTS));
    }

    @Test
    void shouldSayWhyARangeHoldsNoInterval() {
        // issue 19.7: a backfill after the schedule's end printed "0 intervals" and nothing else
        NodeSchedule s = fintech();
        assertThat(s.whyNoIntervals(t("2022-11-05"), t("2022-11-09")))
                .contains("the schedule ends at 2022-11-01 00:00 UTC (end: in strata.yaml)");
        assertThat(s.whyNoIntervals(t("2022-09-01"), t("2022-09-30")))
                .contains("the schedule starts at 2022-10-02 00:00 UTC (start: in strata.yaml)");
        assertThat(s.whyNoIntervals(t("2022-10-05"), t("2022-10-06"))).isEmpty();
        NodeSchedule weekly = NodeSchedule.of(section("""
                  marts: { cron: "0 0 * * 1" }
                """).forNode("m", ScheduleSection.Layer.MARTS));
        assertThat(weekly.whyNoIntervals(t("2022-10-04"), t("2022-10-06")))
                .contains("no schedule point of " + weekly.cadence().orElseThrow().describe() + " falls in the range");
    }

    @Test
    void shouldGiveTheFintechCalendar31RunsEachWorkingOnThePreviousDay() {
        NodeSchedule s = fintech();
        var runs = s.between(t("2022-09-01"), t("2022-12-31"));
        assertThat(runs).hasSize(31);
        assertThat(runs.get(0).logicalDate()).isEqualTo(t("2022-10-02"));
        assertThat(runs.get(0).data()).isEqualTo(new Interval(t("2022-10-01"), t("2022-10-02")));
        assertThat(runs.get(30).logicalDate()).isEqualTo(t("2022-11-01"));
        assertThat(runs.get(30).data().toString()).isEqualTo("2022-10-31T00:00:00Z/P1D");
        assertThat(s.dependsOnPast()).isTrue();
        assertThat(s.waitForDownstream()).isTrue();
        assertThat(s.maxAttempts()).isEqualTo(2);
        assertThat(s.retryDelay()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldCatchUpEveryDueIntervalOrOnlyTheLatestWithoutCatchup() {
        NodeSchedule s = fintech();
        // at 2022-10-05 12:00 the runs dated 10-02 .. 10-05 are due (each processes the day before)
        var due = s.due(t("2022-10-05T12:00:00Z"), Optional.empty());
        assertThat(due).extracting(ScheduledInterval::logicalDate)
                .containsExactly(t("2022-10-02"), t("2022-10-03"), t("2022-10-04"), t("2022-10-05"));
        assertThat(s.due(t("2022-10-05T12:00:00Z"), Optional.of(t("2022-10-04")))).extracting(ScheduledInterval::logicalDate)
                .containsExactly(t("2022-10-05"));
        assertThat(s.due(t("2023-01-01"), Optional.of(t("2022-11-01")))).isEmpty(); // past the end

        NodeSchedule hourly = NodeSchedule.of(ScheduleSettings.empty().over(section("""
                  marts: { every: 1h, start: 2022-10-01, catchup: false }
                """).forNode("m", ScheduleSection.Layer.MARTS)));
        assertThat(hourly.due(t("2022-10-03T05:30:00Z"), Optional.empty())).singleElement()
                .satisfies(si -> assertThat(si.data()).isEqualTo(new Interval(t("2022-10-03T04:00:00Z"), t("2022-10-03T05:00:00Z"))));
    }

    @Test
    void shouldStepCronAndEverySchedules() {
        NodeSchedule cron = NodeSchedule.of(section("  marts: '30 6 * * 1-5'\n").forNode("m", ScheduleSection.Layer.MARTS));
        var weekdays = cron.between(t("2022-10-01"), t("2022-10-10T12:00:00Z"));
        assertThat(weekdays).extracting(ScheduledInterval::logicalDate).containsExactly(t("2022-10-03T06:30:00Z"),
                t("2022-10-04T06:30:00Z"), t("2022-10-05T06:30:00Z"), t("2022-10-06T06:30:00Z"), t("2022-10-07T06:30:00Z"),
                t("2022-10-10T06:30:00Z"));
        assertThat(weekdays.get(4).data().end()).isEqualTo(t("2022-10-10T06:30:00Z")); // Friday's runs to Monday's

        NodeSchedule quarter = NodeSchedule.of(section("  marts: 15m\n").forNode("m", ScheduleSection.Layer.MARTS));
        assertThat(quarter.between(t("2022-10-01T00:05:00Z"), t("2022-10-01T01:00:00Z"))).extracting(ScheduledInterval::logicalDate)
                .containsExactly(t("2022-10-01T00:15:00Z"), t("2022-10-01T00:30:00Z"), t("2022-10-01T00:45:00Z"),
                        t("2022-10-01T01:00:00Z"));
    }

    @Test
    void shouldMergeNodeOverLayerOverDefaults() {
        ScheduleSection s = section("""
                  defaults: { retries: 3, timeout: 1h }
                  marts: { every: 1d, retries: 1 }
                  vault: continuous
                  nodes:
                    slow: { timeout: 2h, every: 1h }
                """);
        NodeSchedule slow = NodeSchedule.of(s.forNode("slow", ScheduleSection.Layer.MARTS));
        assertThat(slow.cadence().orElseThrow().describe()).isEqualTo("every 1h");
        assertThat(slow.retries()).isEqualTo(1);
        assertThat(slow.timeout()).contains(Duration.ofHours(2));
        NodeSchedule other = NodeSchedule.of(s.forNode("other", ScheduleSection.Layer.MARTS));
        assertThat(other.cadence().orElseThrow().describe()).isEqualTo("every 1d");
        assertThat(other.timeout()).contains(Duration.ofHours(1));
        assertThat(NodeSchedule.of(s.forNode("h_user", ScheduleSection.Layer.VAULT)).isContinuous()).isTrue();
    }

    @Test
    void shouldReportBadScheduleSettingsWithTheirLine() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> section("""
                  marts: { every: 1d, cron: '@daily', retrys: 2, offset: yesterday, start: 2022-13-01 }
                  nodes:
                    x: 'every day'
                """)).hasMessageContaining("schedule.marts: give one of 'every', 'cron' or 'continuous: true'")
                .hasMessageContaining("schedule.marts.retrys: unknown key (did you mean 'retries'?)")
                .hasMessageContaining("schedule.marts.offset: expected a duration such as -1d")
                .hasMessageContaining("schedule.marts.start: expected a date such as 2022-10-02")
                .hasMessageContaining("strata.yaml:5:8: schedule.nodes.x: expected 'continuous', a duration");
    }
}

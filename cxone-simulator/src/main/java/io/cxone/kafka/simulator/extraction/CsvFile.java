package io.cxone.kafka.simulator.extraction;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cxone.kafka.simulator.data.DataSet;
import io.cxone.kafka.simulator.data.RowGenerator;
import io.cxone.kafka.simulator.data.SchemaDrift;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.io.EofException;

/**
 * A Data Extraction result file, written in batches so a window of millions of rows never sits in memory. Batches
 * end exactly at the rows where a fault strikes: the malformed line goes after row {@code malformedAt}, and the
 * body stops (flushed, then an exception) after row {@code truncateAt}; -1 disables either.
 */
final class CsvFile {
    private static final int BATCH_ROWS = 5_000;
    private static final CsvMapper CSV = new CsvMapper();
    static final byte[] UNTERMINATED_QUOTE_LINE =
            "\"broken-row,with \"\"an unterminated quote,1\n".getBytes(StandardCharsets.UTF_8);

    private final RowGenerator rows;
    private final DataSet dataSet;
    private final int generation;
    private final SchemaDrift drift;
    private final long malformedAt;
    private final long truncateAt;

    CsvFile(RowGenerator rows, DataSet dataSet, int generation, SchemaDrift drift, long malformedAt, long truncateAt) {
        this.rows = rows;
        this.dataSet = dataSet;
        this.generation = generation;
        this.drift = drift;
        this.malformedAt = malformedAt;
        this.truncateAt = truncateAt;
    }

    void writeTo(OutputStream out) throws IOException {
        List<String> columns = rows.columns(drift);
        CsvSchema.Builder schema = CsvSchema.builder();
        columns.forEach(schema::addColumn);
        ObjectWriter rowWriter = CSV.writer(schema.build().withoutHeader());
        out.write(headerLine(columns));
        long row = 0;
        while (true) {
            if (row == malformedAt) {
                out.write(UNTERMINATED_QUOTE_LINE);
            }
            if (row == truncateAt) {
                out.flush();
                throw new EofException("truncated-body fault: file cut after row " + row);
            }
            if (row >= dataSet.rowCount()) {
                return;
            }
            long batchEnd = Math.min(dataSet.rowCount(), row + BATCH_ROWS);
            for (long stop : new long[] {malformedAt, truncateAt}) {
                if (stop > row && stop < batchEnd) {
                    batchEnd = stop;
                }
            }
            List<Map<String, Object>> batch = rows.rows(dataSet, row, (int) (batchEnd - row), generation, drift);
            out.write(rowWriter.writeValueAsBytes(batch));
            row = batchEnd;
        }
    }

    private static byte[] headerLine(List<String> columns) {
        StringBuilder line = new StringBuilder();
        for (String column : columns) {
            if (!line.isEmpty()) {
                line.append(',');
            }
            boolean quote =
                    column.contains(",") || column.contains("\"") || column.contains("\n") || column.contains("\r");
            line.append(quote ? '"' + column.replace("\"", "\"\"") + '"' : column);
        }
        return line.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}

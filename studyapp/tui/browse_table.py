"""The browser's table: ``Cell``, a cell cut to its column and rendered once, and ``ItemTable``, a
DataTable that draws rows of such cells without DataTable's general machinery (padding, line
splitting, a look at the cursor and the styles for every cell). Knows nothing of items: the
rows (``browse_rows.row_cells``) and the screen (``browse``) are elsewhere."""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text as RichText
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class Cell:
    """A cell of the table, already cut to its column: its text is rendered once and its width
    known (the table draws and measures a cell again and again, and a Rich Text costs tens of
    microseconds each time: a screenful of rows is then tens of milliseconds a keystroke)."""

    __slots__ = ("text", "_segments")

    def __init__(self, text: RichText):
        self.text = text
        self._segments: list[Segment] | None = None

    def __str__(self) -> str:
        return self.text.plain

    def stylize(self, style: str) -> None:
        self.text.stylize(style)
        self._segments = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> list[Segment]:
        return self.segments(console)

    def segments(self, console: Console) -> list[Segment]:
        if self._segments is None:
            text = self.text
            if text.spans or not text.style:
                self._segments = list(text.render(console))  # the style under the spans included
            else:  # (``render`` leaves a text's own style out when it has no spans)
                self._segments = [Segment(text.plain, console.get_style(text.style))]
        return self._segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.text.cell_len, self.text.cell_len)


def styled(style: Style, own: Style | None, post: Style | None) -> Style:
    """A segment's style as ``Segment.apply_style(segments, style, post)`` makes it."""
    combined = style + own
    return combined + post if post else combined


# What ItemTable's quick ways of drawing read of DataTable (else it draws as DataTable does).
_TABLE_PARTS = ("_row_locations", "_column_locations", "_data", "_cell_render_cache", "_row_render_cache",
                "_update_count", "_show_hover_cursor", "_pseudo_class_state", "_get_styles_to_render_cell",
                "_get_row_style", "_labelled_row_exists", "_row_label_column_width", "_render_line",
                "header_height", "_require_update_dimensions", "_new_rows")
SegmentLines = list[list[Segment]]


class ItemTable(DataTable[Any]):
    """The browser's table: a DataTable that draws the ``Cell`` cells it is given (one line each,
    already cut to their column) by styling their segments as DataTable's own drawing would: a
    row at a time (the cursor, the styles and the widths looked at once a row, not once a cell:
    a screenful of new rows took 14.5 ms to draw at 120x40, 8 this way), and a cell at a time without
    passing each one through Rich's padding and line splitting again. Headers, other cells, taller
    rows, a padded table, fixed rows or columns, row labels, another cursor, or a DataTable
    without the parts this reads, draw as DataTable draws them."""

    quick: bool | None = None  # whether this DataTable has the parts read below
    _frame_style: Style | None = None  # the table's own style, read once while it draws its lines
    _row_styles: dict[tuple[Any, ...], Style] | None = None

    def render_lines(self, crop: Any) -> list[Any]:
        self._frame_style = self.rich_style  # (Textual computes it from every ancestor each time)
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def render_line(self, y: int) -> Any:
        """DataTable's line ``y``, with the style read once for all lines."""
        style = self._frame_style
        if style is None or self.fixed_rows or not self._has_parts():
            return super().render_line(y)
        scroll_x, scroll_y = self.scroll_offset
        if y >= (self.header_height if self.show_header else 0):
            y += scroll_y
        return self._render_line(y, scroll_x, scroll_x + self.size.width, style)

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        """DataTable's style of a row, kept for as long as DataTable keeps what it draws with it."""
        if not self._has_parts():
            return super()._get_row_style(row_index, base_style)
        key = (row_index < 0, row_index < self.fixed_rows, self.zebra_stripes and row_index % 2, base_style,
               self._pseudo_class_state, self._update_count)
        if self._row_styles is None or len(self._row_styles) > 64:
            self._row_styles = {}
        style = self._row_styles.get(key)
        if style is None:
            style = self._row_styles[key] = super()._get_row_style(row_index, base_style)
        return style

    def _update_dimensions(self, new_rows: Any) -> None:
        """DataTable measures every cell of the new rows through Rich (which asks the terminal
        its size for each: milliseconds for a page of rows); a ``Cell`` knows its width."""
        if not self._has_parts():
            return super()._update_dimensions(new_rows)
        others = []
        columns = self.ordered_columns
        for row_key in new_rows:
            row, cells = self.rows.get(row_key), self._data.get(row_key)
            if (row is None or cells is None or row.label is not None or row.auto_height
                    or not all(isinstance(cells.get(c.key), Cell) for c in columns)):
                others.append(row_key)
                continue
            for column in columns:
                column.content_width = max(column.content_width, cells[column.key].text.cell_len)
        super()._update_dimensions(others)  # the rest, and the table's size

    def measure_now(self) -> None:
        """Measure the new rows and size the table now, as DataTable does when it is next idle: laid
        out with the rows, the table is drawn once. (Sized when idle, it was drawn again, whole, at
        the next frame: 15 ms, which the first keystroke after Browse opened waited for.)"""
        if self._has_parts() and self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows, self._new_rows = self._new_rows, set()
            self._update_dimensions(new_rows)

    def _has_parts(self) -> bool:
        if self.quick is None:
            self.quick = all(hasattr(self, name) for name in _TABLE_PARTS)
        return self.quick

    def _render_line_in_row(self, row_key: RowKey, line_no: int, base_style: Style, cursor_location: Any,
                            hover_location: Any) -> tuple[SegmentLines, SegmentLines]:
        if not self._has_parts():
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        show_cursor, show_hover = self.show_cursor, self._show_hover_cursor
        key = (row_key, line_no, base_style, cursor_location, hover_location, self.cursor_type, show_cursor,
               show_hover, self._update_count, self._pseudo_class_state)  # DataTable's key of a row line
        pair = self._row_render_cache.get(key)
        if pair is not None:
            return pair
        row_index, cells = self._row_locations.get(row_key), self._data.get(row_key)
        columns = self.ordered_columns
        if row_index is None or cells is None or line_no != 0 or not self._plain_row(row_key, cells, columns):
            return super()._render_line_in_row(row_key, line_no, base_style, cursor_location, hover_location)
        cursor, hover = cursor_location.row == row_index, hover_location.row == row_index
        row_style = self._get_row_style(row_index, base_style)
        scrollable, width = self._row_cells(row_key, row_index, cells, columns, row_style, cursor, hover)
        extend, _ = self._get_styles_to_render_cell(False, False, False, hover, cursor, show_cursor,
                                                    show_hover, False, False)
        extend = row_style + extend
        extend += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        room = max(0, self.size.width - width - self._row_label_column_width)
        scrollable.append([Segment(" " * room, extend)])
        pair = self._row_render_cache[key] = ([], scrollable)
        return pair

    def _plain_row(self, row_key: RowKey, cells: dict[Any, Any], columns: list[Any]) -> bool:
        """Whether ``_render_line_in_row`` draws this row: one line of ``Cell`` cells, no padding,
        a row cursor, neither fixed rows or columns nor row labels."""
        return (self.cursor_type == "row" and not self.fixed_columns and not self.fixed_rows
                and not self.cell_padding and not (self._labelled_row_exists and self.show_row_labels)
                and self.rows[row_key].height == 1
                and all(isinstance(cells.get(c.key), Cell) for c in columns))

    def _row_cells(self, row_key: RowKey, row_index: int, cells: dict[Any, Any], columns: list[Any],
                   row_style: Style, cursor: bool, hover: bool) -> tuple[SegmentLines, int]:
        """The line of each cell of a row (as ``_render_cell`` draws it), and their width."""
        show_hover, count, state = self._show_hover_cursor, self._update_count, self._pseudo_class_state
        component, post = self._get_styles_to_render_cell(
            False, False, False, hover, cursor, self.show_cursor, show_hover,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        console, cache = self.app.console, self._cell_render_cache
        out, total = [], 0
        # DataTable styles a segment with the row's style, the cell's mouse meta, the component
        # style, the segment's own and ``post``, added in that order. The meta has no colours or
        # attributes, and nothing else has meta: added last it makes the same style, and the
        # sums before it are the same for many cells (Rich keeps them), not one for each cell.
        plain = row_style + component
        for column_index, column in enumerate(columns):
            width = column.content_width if column.auto_width else column.width
            total += width
            key = (row_key, column.key, row_style, cursor, hover, show_hover, count, state)
            lines = cache.get(key)
            if lines is None:
                meta = Style.from_meta({"row": row_index, "column": column_index})
                segments = Segment.adjust_line_length(cells[column.key].segments(console), width)
                lines = cache[key] = [[Segment(text, None if control else styled(plain, own, post) + meta,
                                               control) for text, own, control in segments]]
            out.append(lines[0])
        return out, total

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        cell = row_key = column_key = None
        if self._has_parts() and row_index >= 0 and column_index >= 0 and self.cell_padding == 0:
            row_key = self._row_locations.get_key(row_index)
            column_key = self._column_locations.get_key(column_index)
            if row_key is not None and column_key is not None:
                cell = self._data.get(row_key, {}).get(column_key)
        if (not isinstance(cell, Cell) or row_key is None or column_key is None
                or self.rows[row_key].height != 1):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        key = (row_key, column_key, base_style, cursor, hover, self._show_hover_cursor, self._update_count,
               self._pseudo_class_state)
        lines = self._cell_render_cache.get(key)
        if lines is None:
            base_style += Style.from_meta({"row": row_index, "column": column_index})
            fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
            component, post = self._get_styles_to_render_cell(
                False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
                self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
            segments = Segment.adjust_line_length(cell.segments(self.app.console), width)
            lines = [list(Segment.apply_style(segments, base_style + component, post))]
            self._cell_render_cache[key] = lines
        return lines

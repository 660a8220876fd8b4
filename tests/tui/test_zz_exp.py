import pytest
from datetime import timedelta
from tests.tui.test_stats import app_for, wrong_answers, open_stats, NOW

@pytest.mark.asyncio
async def test_x(tmp_path):
    app = app_for(tmp_path / "p.sqlite3", "en", tmp_path)
    wrong_answers(app, "act.derivative", "act.value_for_derivative", 1, 3, NOW - timedelta(hours=3))
    print("OUT", app.store.conn.execute("select id, deck, kind from items where id='act.derivative'").fetchall())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot)
        print("OUT", screen.figures["mistakes"], screen.figures["decks"][:2])

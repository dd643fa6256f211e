from tests.api.conftest import Api


def test_anyone_reads_the_runs_with_their_prices_and_places_left(api: Api, world):
    response = api.get("runs")
    assert response.status_code == 200, response.content
    body = response.json()
    [run] = body["items"]
    assert run["places_left"] == 0
    assert run["options"][0]["price"] == {
        "net": {"amount": "660.00", "currency": "GBP"}, "vat": {"amount": "132.00", "currency": "GBP"},
        "gross": {"amount": "792.00", "currency": "GBP"}, "vat_rate": "20.00"}
    assert run["days"][0]["starts_at"].endswith(("+00:00", "+01:00"))
    assert body["next"] is None

import pytest
from django.core.management import CommandError, call_command

from clients.models import Client
from clients.tests.factories import ClientFactory
from fleet.models import Vehicle
from fleet.tests.factories import VehicleFactory

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,email,phone,consent_gdpr,license_plate,make,model,year,vin,mileage,colour\n"


def write_csv(tmp_path, *lines):
    path = tmp_path / "clients.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_import_applies_the_admins_normalisation(tmp_path, capsys):
    path = write_csv(
        tmp_path,
        "Wanjiru,Kamau,Wanjiru@Example.co.ke,0712 345 678,yes,kda123a,Toyota,Fielder,2015,jtdbt923501234567,85000,silver",
        "Wanjiru,Kamau,wanjiru@example.co.ke,,,kdb 009z,Mazda,Demio,2012,jm1de123456789012,40000,",
    )
    call_command("import_clients", str(path))
    client = Client.objects.get()
    assert (client.phone, client.email, client.consent_gdpr) == ("+254712345678", "wanjiru@example.co.ke", True)
    assert sorted(Vehicle.objects.values_list("license_plate", flat=True)) == ["KDA 123A", "KDB 009Z"]
    assert Vehicle.objects.get(license_plate="KDA 123A").metadata == {"colour": "silver"}
    assert "1 client(s) and 2 vehicle(s) imported" in capsys.readouterr().out


def test_import_is_all_or_nothing_and_names_every_bad_row(tmp_path):
    VehicleFactory(license_plate="KDC 100C")
    path = write_csv(
        tmp_path,
        "Good,Row,good@example.co.ke,0722 000 111,,KDD 200D,Toyota,Axio,2014,JTDBT923501234567,1000,",
        "Bad,Phone,bad@example.co.ke,0722 00,,,,,,,,",
        "Dup,Plate,dup@example.co.ke,,,kdc100c,Toyota,Vitz,2013,JTDBT923501234568,500,",
        "Bad,Year,year@example.co.ke,,,KDE 300E,Toyota,Vitz,1850,JTDBT92350123456I,500,",
    )
    clients_before = Client.objects.count()
    with pytest.raises(CommandError) as error:
        call_command("import_clients", str(path))
    message = str(error.value)
    assert "line 3, phone" in message
    assert "line 4, license_plate" in message
    assert "line 5, year" in message and "line 5, vin" in message
    assert "line 2" not in message
    assert Client.objects.count() == clients_before
    assert not Vehicle.objects.filter(license_plate="KDD 200D").exists()


def test_dry_run_writes_nothing(tmp_path):
    path = write_csv(tmp_path, "Akinyi,Omondi,akinyi@example.co.ke,0733 123 456,,,,,,,,")
    call_command("import_clients", str(path), "--dry-run")
    assert not Client.objects.exists()


def test_existing_client_gets_the_car_and_keeps_their_details(tmp_path):
    existing = ClientFactory(email="njeri@example.co.ke", phone="+254711000000")
    path = write_csv(tmp_path, "N,W,NJERI@example.co.ke,0799 999 999,,KDF 001A,Honda,Fit,2016,JHMGE88409S012345,100,")
    call_command("import_clients", str(path))
    existing.refresh_from_db()
    assert existing.phone == "+254711000000"
    assert existing.vehicles.get().license_plate == "KDF 001A"


def test_unknown_columns_and_unreadable_files_are_command_errors(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("first_name,shoe_size\nA,42\n")
    with pytest.raises(CommandError, match="shoe_size"):
        call_command("import_clients", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_clients", str(tmp_path / "missing.csv"))

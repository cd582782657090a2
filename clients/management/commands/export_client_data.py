from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clients.data_rights.export import client_export_html, client_export_json

from ._client import add_client_arguments, find_client


class Command(BaseCommand):
    help = "Write everything held about one client (access request): JSON, or a readable HTML page."

    def add_arguments(self, parser):
        add_client_arguments(parser)
        parser.add_argument("--format", choices=["json", "html"], default="json")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        client = find_client(options)
        render = client_export_html if options["format"] == "html" else client_export_json
        document = render(client=client)
        if not options["output"]:
            self.stdout.write(document)
            return
        try:
            Path(options["output"]).write_text(document, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc.strerror}") from None
        self.stdout.write(f"wrote {options['output']}")

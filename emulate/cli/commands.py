"""Every command's name, arguments, options and help — and nothing else.

This is all that `emulate --help` and `emulate COMMAND --help` load: each command's work is
in its own module (`emulate/cli/score.py`, ...), imported when the command runs, so start-up
compiles and executes this file only. Help texts are here, next to the options they describe.

No `from __future__ import annotations` here: typer reads these signatures, and real
annotations spare it evaluating every annotation string at each start.
"""

from pathlib import Path
from typing import Annotated

import typer

from emulate import __version__
from emulate.cli.common import LangOption
from emulate.cli.help import Command, Group

DEFAULT_OUTPUT = "ket-qua.xlsx"
DEFAULT_TEMPLATE = "mau-bao-cao.xlsx"
DEFAULT_SIGNER_TITLE = "THỦ TRƯỞNG CƠ QUAN"

app = typer.Typer(
    cls=Group,
    name="emulate",
    help="Thi đua - khen thưởng cuối năm: chấm điểm, xếp hạng, đề xuất danh hiệu và khen thưởng.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

CriteriaOption = Annotated[
    str | None,
    typer.Option(
        "--criteria",
        "-c",
        help="Bộ tiêu chí: tên có sẵn (national) hoặc tệp YAML. Mặc định: theo dấu "
        "của báo cáo, nếu không có thì national.",
    ),
]
YearOption = Annotated[int | None, typer.Option("--year", help="Năm đánh giá.")]
HistoryOption = Annotated[
    list[Path] | None,
    typer.Option("--history", help="Tệp lịch sử hoặc sổ kết quả các năm trước."),
]
JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help=(
            "Số tiến trình đọc báo cáo song song (mặc định: tự chọn theo số tệp, số CPU và"
            " bộ nhớ); 1: chỉ một tiến trình, kể cả khi ghi kết quả."
        ),
        show_default=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"emulate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="In phiên bản rồi thoát."
    ),
) -> None:
    """emulate — thi đua, khen thưởng cuối năm từ dòng lệnh."""


@app.command("score", cls=Command)
def score(
    reports: Annotated[
        list[Path],
        typer.Argument(help="Báo cáo của đơn vị (.xlsx) hoặc thư mục chứa báo cáo."),
    ],
    criteria: CriteriaOption = None,
    year: YearOption = None,
    history: HistoryOption = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Sổ kết quả sẽ ghi (.xlsx).")
    ] = Path(DEFAULT_OUTPUT),
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Ghi thêm kết quả chuẩn dạng JSON.")
    ] = None,
    lang: LangOption = "vi",
    keep_going: Annotated[
        bool,
        typer.Option("--keep-going", help="Vẫn xét khi dữ liệu đầu vào có lỗi."),
    ] = False,
    jobs: JobsOption = None,
    explain_all: Annotated[
        bool,
        typer.Option(
            "--explain-all",
            help="Trang Giải trình ghi cả các quyết định không đủ điều kiện (mặc định: chỉ "
            "các trường hợp đủ điều kiện; lý do còn lại xem bằng emulate explain).",
        ),
    ] = False,
) -> None:
    """Chấm điểm, xếp hạng, xét danh hiệu và khen thưởng; ghi sổ kết quả."""
    from emulate.cli import score as command

    command.run(
        reports,
        criteria=criteria,
        year=year,
        history=list(history or []),
        output=output,
        json_path=json_path,
        lang=lang,
        keep_going=keep_going,
        jobs=jobs,
        explain_all=explain_all,
    )


@app.command("check", cls=Command)
def check(
    reports: Annotated[list[Path], typer.Argument(help="Các file báo cáo (.xlsx) hoặc thư mục.")],
    criteria: Annotated[
        str | None,
        typer.Option("--criteria", "-c", help="Bộ tiêu chí: tên dựng sẵn hoặc file YAML."),
    ] = None,
    history: Annotated[
        list[Path] | None,
        typer.Option("--history", help="File lịch sử thành tích các năm trước."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In danh sách lỗi dạng JSON.")] = False,
    lang: LangOption = "vi",
    jobs: JobsOption = None,
) -> None:
    """Kiểm tra các báo cáo: liệt kê mọi lỗi dữ liệu kèm file, sheet, ô."""
    from emulate.cli import check as command

    command.run(
        reports,
        criteria=criteria,
        history=list(history or []),
        as_json=as_json,
        lang=lang,
        jobs=jobs,
    )


@app.command("template", cls=Command)
def template(
    criteria: Annotated[
        str,
        typer.Option("--criteria", "-c", help="Bộ tiêu chí: tên dựng sẵn hoặc file YAML."),
    ] = "national",
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File mẫu báo cáo sẽ ghi (.xlsx).")
    ] = Path(DEFAULT_TEMPLATE),
    lang: LangOption = "vi",
) -> None:
    """Tạo file mẫu báo cáo (Excel) cho các đơn vị điền, theo bộ tiêu chí."""
    from emulate.cli import template as command

    command.run(criteria=criteria, output=output, lang=lang)


@app.command("explain", cls=Command)
def explain(
    args: Annotated[
        list[str],
        typer.Argument(
            help="Sổ kết quả (.xlsx) hoặc JSON do `emulate score` ghi, hoặc các báo cáo; "
            "sau cùng là mã hoặc tên đơn vị/cá nhân.",
            metavar="(REPORT...|RESULTS) SUBJECT",
        ),
    ],
    title: Annotated[
        str | None,
        typer.Option("--title", "-t", help="Chỉ giải trình danh hiệu/hình thức này."),
    ] = None,
    criteria: Annotated[
        str | None,
        typer.Option("--criteria", "-c", help="Bộ tiêu chí khi giải trình từ báo cáo (như score)."),
    ] = None,
    year: YearOption = None,
    history: HistoryOption = None,
    lang: LangOption = "vi",
) -> None:
    """Giải trình vì sao một đơn vị/cá nhân được hoặc không được đề nghị."""
    from emulate.cli import explain as command

    command.run(
        args, title=title, criteria=criteria, year=year, history=list(history or []), lang=lang
    )


@app.command("export", cls=Command)
def export(
    results: Annotated[
        Path,
        typer.Argument(help="Sổ kết quả (.xlsx) hoặc tệp kết quả JSON do `emulate score` ghi."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Tệp danh sách sẽ ghi.")],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="docx | xlsx | csv (mặc định: theo đuôi tệp ra)."),
    ] = None,
    title: Annotated[
        list[str] | None,
        typer.Option("--title", "-t", help="Mã danh hiệu/hình thức cần xuất (mặc định: tất cả)."),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="awarded (mặc định) và/hoặc tie, cách nhau bởi dấu phẩy."),
    ] = None,
    issuer: Annotated[
        str, typer.Option("--issuer", help="Cơ quan ban hành, ví dụ 'Sở Nội vụ'.")
    ] = "",
    number: Annotated[str, typer.Option("--number", help="Số Tờ trình, ví dụ '15/TTr-SNV'.")] = "",
    date: Annotated[str | None, typer.Option("--date", help="Ngày ký, dd/mm/yyyy.")] = None,
    place: Annotated[str, typer.Option("--place", help="Địa danh, ví dụ 'Hưng Yên'.")] = "",
    signer: Annotated[str, typer.Option("--signer", help="Họ và tên người ký.")] = "",
    signer_title: Annotated[
        str, typer.Option("--signer-title", help="Chức danh người ký, ví dụ 'GIÁM ĐỐC'.")
    ] = DEFAULT_SIGNER_TITLE,
    recipient: Annotated[
        str,
        typer.Option("--recipient", help="Kính gửi (Tờ trình), ví dụ 'Chủ tịch UBND tỉnh'."),
    ] = "",
    submission: Annotated[
        bool,
        typer.Option("--to-trinh", help="Thêm dự thảo Tờ trình trước danh sách (chỉ docx)."),
    ] = False,
    minutes: Annotated[
        bool,
        typer.Option("--bien-ban", help="Thêm bảng kết quả bỏ phiếu của Hội đồng (chỉ docx)."),
    ] = False,
    lang: LangOption = "vi",
) -> None:
    """Xuất danh sách đề nghị khen thưởng (Word theo Nghị định 30/2020, Excel, CSV)."""
    from emulate.cli import export as command

    command.run(
        results,
        output=output,
        fmt=fmt,
        titles=title or [],
        statuses=status or [],
        issuer=issuer,
        number=number,
        date=date,
        place=place,
        signer=signer,
        signer_title=signer_title,
        recipient=recipient,
        submission=submission,
        minutes=minutes,
        lang=lang,
    )


@app.command("validate", cls=Command)
def validate(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Tệp tiêu chí (YAML) hoặc tên bộ dựng sẵn (national, ...).", show_default=False
        ),
    ],
    lang: LangOption = "vi",
    as_json: Annotated[
        bool, typer.Option("--json", help="In kết quả dạng JSON cho máy đọc.")
    ] = False,
) -> None:
    """Kiểm tra tệp tiêu chí (cấu trúc, điều kiện, căn cứ, vòng lặp) và chạy các ca kiểm thử."""
    from emulate.cli import validate as command

    command.run(files, lang=lang, as_json=as_json)


criteria_app = typer.Typer(
    cls=Group, help="Các bộ tiêu chí dựng sẵn và bộ tiêu chí hiệu lực.", no_args_is_help=True
)
app.add_typer(criteria_app, name="criteria")


@criteria_app.command("list", cls=Command)
def criteria_list(lang: LangOption = "vi") -> None:
    """Liệt kê các bộ tiêu chí dựng sẵn (tên, năm, thời gian hiệu lực)."""
    from emulate.cli import criteria as command

    command.run_list(lang=lang)


@criteria_app.command("show", cls=Command)
def criteria_show(
    spec: Annotated[
        str, typer.Argument(help="Tên bộ dựng sẵn hoặc tệp tiêu chí.", show_default=False)
    ],
    lang: LangOption = "vi",
) -> None:
    """In bộ tiêu chí hiệu lực (đã gộp 'extends') dạng YAML."""
    from emulate.cli import criteria as command

    command.run_show(spec, lang=lang)

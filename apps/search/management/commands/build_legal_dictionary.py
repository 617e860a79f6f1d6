import re
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.search.analysis import USER_DICT

# Terms a compliance team searches for that jieba's general dictionary cuts apart.
SEED_TERMS = """
电子商务经营者 电子商务平台经营者 平台内经营者 电子商务平台 电子商务法 电子签名 电子合同
企业信用信息公示系统 企业信息公示 经营异常名录 严重违法企业名单 统一社会信用代码 营业执照
市场监督管理部门 工商行政管理部门 网络交易平台 网络交易平台经营者 跨境电子商务 个人信息处理者
个人信息保护 数据安全 网络安全等级保护 关键信息基础设施 网络运营者 知识产权 消费者权益
格式条款 七日无理由退货 先行赔付 行政处罚 行政复议 行政诉讼 刑事责任 民事责任 法律责任
责令改正 责令限期改正 没收违法所得 吊销营业执照 快递业务经营许可 食品安全标准 进出口商品检验
国境卫生检疫 广告代言人 互联网广告 虚假广告 不正当竞争 商业秘密 商业贿赂 市场主体登记
""".split()
DEFINED = re.compile(r"本(?:法|条例|规定|办法|指引)所称([\u4e00-\u9fff]{3,12})，是指")
SHORT = re.compile(r"（以下简称([\u4e00-\u9fff]{3,12})）")


class Command(BaseCommand):
    help = (
        "Grow the jieba legal-terms dictionary (apps/search/dict/legal_terms.txt) from a corpus: "
        "the seed terms, every defined term (本法所称X，是指), every short name (以下简称X) and "
        "the titles of the laws. Rebuild the search index afterwards."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--corpus",
            default=str(settings.CORPUS_DIR),
            help="folder of .md/.txt source texts (default: bundled corpus)",
        )
        parser.add_argument("--output", default=str(USER_DICT))

    def handle(self, *args, corpus, output, **options):
        found: Counter = Counter(SEED_TERMS)
        files = sorted(Path(corpus).rglob("*.md")) + sorted(Path(corpus).rglob("*.txt"))
        for index, path in enumerate(files, start=1):
            text = path.read_text(encoding="utf-8", errors="ignore")
            found.update(DEFINED.findall(text))
            found.update(SHORT.findall(text))
            title = re.match(r"#\s*(.+)", text)
            if title and path.suffix == ".md":
                short = title[1].strip().removeprefix("中华人民共和国")
                if 3 <= len(short) <= 20 and re.fullmatch(r"[\u4e00-\u9fff]+", short):
                    found[short] += 1
            if index % 200 == 0:
                self.stdout.write(f"  {index}/{len(files)}")
        lines = [f"{term} {1000 + 100 * count} n" for term, count in sorted(found.items())]
        Path(output).write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(lines)} terms written to {output}")

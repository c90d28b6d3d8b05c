"""What must not be published (issue 26): personal data found in what the crawl stored, only ever handed on
masked."""

# Titles of the pages whose files are read for personal data even when no checklist item needs them: the 公示 and
# lists MOE's 学生资助 notices and provincial 通报 are about (资助、奖助学金、推免、拟录取、拟聘、评优…)
GONGSHI_WORDS = ("公示", "名单", "拟录取", "拟聘", "获得者", "推免", "评优", "资助", "奖学金", "助学金")
GONGSHI_FILES = 200  # files of such pages downloaded a night, at most (within the documents pass's byte caps)

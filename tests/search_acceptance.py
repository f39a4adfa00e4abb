"""Queries a citizen types into the sample portal, with the pages each must return.

Used twice: through `disclose search` (tests/test_search.py) and typed into the search
page in Chromium (tests/browser/test_search_page.py).
"""

P405 = "departments/405001/2026/projects/"
P731 = "departments/731/2025/projects/"
P569 = "departments/569301/2022/projects/"
T731 = "departments/731/2025/#table-"

# (query, a document, a word its snippet must show): matches far into a long text
SNIPPETS = [
    ("工资调整", "departments/731/2025/#section-budget_overview", "工资调整"),
    ("科學普及", "departments/731/2025/#section-budget_overview", "科学普及"),
]

ACCEPTANCE = [
    # (query, pages that must be among the results, why)
    ("老科协", [P405 + "13020026P00TPXR10005F/", P731 + "13070025P000044100016/"], "a word inside longer names"),
    ("大篷车", [P405 + "13020026P003LT110033B/", P731 + "13070025P00005010002A/", P731 + "13070024P00001210003X/", P731 + "13070025P00122810013K/"], "inside 科普大篷车"),
    ("乡村振兴", [P731 + "13070025P00004010001F/", P731 + "13070024P00000410006W/"], "a four-character word"),
    ("13020026P003LT110033B", [P405 + "13020026P003LT110033B/"], "a full project code"),
    ("13020026p003lt110033b", [P405 + "13020026P003LT110033B/"], "a project code in lower case"),
    ("天津市科学技术协会", ["departments/569301/", "departments/569301/2022/"], "a department name"),
    ("科普 进校园", [P405 + "13020026P003LT110037R/", P731 + "13070025P001228100120/"], "two words"),
    ("青年人才托举", [P569 + "p01/"], "a project without a code"),
    ("托举", [P569 + "p01/"], "two characters inside a longer word"),
    ("双减", [P405 + "13020026P003LT110037R/", P731 + "13070025P001228100120/"], "a quoted term in the name"),
    ("采暖费", [P731 + "13070024P00001410002M/", P731 + "13070025P00005210002M/"], "three characters"),
    ("科技工作者之家", [P405 + "13020026P003LT110032P/", P731 + "13070024P00064110002Q/", P731 + "13070025P00122810015T/", P731 + "13070024P00019310002H/"], "across departments"),
    ("机关运行经费", ["departments/731/2025/#section-operating_costs"], "a section of the explanation"),
    ("流动科技馆", [P405 + "13020026P003LT110035J/"], "a project name"),
    ("其他交通费", [P405 + "13020026P0000CD10006Y/", P405 + "13020026P0000CD10007J/", P405 + "13020026P0000CD100086/"], "three projects with the same name"),
    ("涉密", [P731 + "13070024P000765100012/"], "a word in the indicator table"),
    ("博士创新站", ["departments/405001/2026/"], "the department performance goals"),
    ("双减进校园", [P405 + "13020026P003LT110037R/", P731 + "13070025P001228100120/"], "a quoted word typed without its quotes"),
    ("“双减”进校园", [P405 + "13020026P003LT110037R/", P731 + "13070025P001228100120/"], "typed with the quotes"),
    ("差旅费", [T731 + "general_budget_basic-r20-c2"], "a line item of the nine tables, pointing to its row"),
    ("基本工资", [T731 + "general_budget_basic-r3-c2"], "a line item of 表六"),
    ("30211", [T731 + "general_budget_basic-r20-c2"], "a line item's 科目编码"),
    ("科學技術協會", ["departments/569301/", "departments/405001/", "departments/731/"], "traditional characters"),
    ("預算 經費", [P731 + "13070024P00000210005X/"], "traditional characters, two words"),
    ("张家口 科普经费", [P731 + "13070024P00000210005X/", P731 + "13070025P00004210001T/"], "a region with a word"),
]

from gonghui.targets.services import save_plan, seed_reference


def make_plan(registry):
    """芜湖市总工会 2023 plan with two rows (镜湖, 鸠江) on the factory registry."""
    seed_reference()
    u = registry.unions
    return save_plan(
        issuer=u["wuhu"],
        year=2023,
        title="芜湖市总工会2023年基层组织建设净增目标",
        doc_number="芜工发〔2023〕1号",
        rows=[
            (u["jinghu"], {"founded": 2, "members": 4, "migrant": 2, "new_form": 1}),
            (u["jiujiang"], {"founded": 2, "members": 4, "migrant": 2, "new_form": 1}),
        ],
    )

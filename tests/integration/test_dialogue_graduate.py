"""A bound graduate's conversation on both databases: wishes with confirmation, the numbered list and feedback,
status in their own words, 退订, FAQ, and the refusal of counselor commands."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.clock import FakeClock
from bot.container import Container
from bot.conversation import store
from bot.domain import ChannelKind, FeedbackKind, StatusSource
from models import (
    AuditLog,
    Checkin,
    ConversationState,
    Feedback,
    Graduate,
    GraduatePreference,
    Match,
    MatchRun,
    MatchShortfall,
    Posting,
    StatusRecord,
)
from tests.support.channels import CHANNELS
from tests.support.containers import make_container
from tests.support.school import WUHAN, YICHANG, Chat, School, build

ZHANG = "2022010101"


@pytest.fixture
def c(db_engine: Engine, clock: FakeClock) -> Container:
    return make_container(db_engine, clock, CHANNELS)


@pytest.fixture
def school(c: Container) -> School:
    return build(c)


@pytest.fixture
def zhang(c: Container, school: School) -> Chat:
    chat = Chat(c, "web-zhang")
    assert "绑定成功" in chat.bind(ZHANG)
    return chat


def gid(school: School) -> int:
    return school.graduates[ZHANG]


def active(c: Container, graduate_id: int) -> list[int]:
    with c.sessions() as s:
        q = sa.select(Match.posting_id).where(Match.graduate_id == graduate_id, Match.active).order_by(Match.rank)
        return list(s.scalars(q))


def numbered(reply: str) -> list[str]:
    return [line for line in reply.splitlines() if line[:1].isdigit() and ". " in line[:4]]


def test_wishes_are_confirmed_corrected_and_only_then_saved(c: Container, school: School, zhang: Chat) -> None:
    asked = zhang("想回湖北宜昌，做护士，月薪五千以上")
    assert asked.startswith("我理解的求职意向是：地点：宜昌；岗位：护士；月薪：5000元以上。对吗？")
    with c.sessions() as s:
        assert s.get(GraduatePreference, gid(school)) is None
    corrected = zhang("不是宜昌，是武汉")
    assert "地点：武汉；岗位：护士；月薪：5000元以上" in corrected
    saved = zhang("对")
    assert saved.startswith("好的，求职意向已保存。")
    with c.sessions() as s:
        pref = s.get(GraduatePreference, gid(school))
        assert pref is not None
        assert (pref.city_adcodes, pref.positions, pref.salary_min) == ([WUHAN], ["护士"], 5000)
        assert pref.source == "chat" and pref.confirmed_at == c.clock.now()
        assert pref.raw_text is not None and "武汉" in pref.raw_text
        run = s.scalars(sa.select(MatchRun).order_by(MatchRun.id.desc())).first()
        assert run is not None and run.trigger == "incremental" and run.scope == {"graduate_ids": [gid(school)]}
    lines = numbered(saved)
    assert len(lines) >= 10 and lines[0].startswith("1. ")
    assert len(active(c, gid(school))) >= 10
    # The list shown is the graduate's active matches in rank order, Wuhan first as asked.
    assert "· 武汉 ·" in lines[0]


def test_denying_twice_cancels_and_nothing_is_saved(c: Container, school: School, zhang: Chat) -> None:
    zhang("深圳或者广州都行，互联网运营")
    assert "哪里不对" in zhang("不对")
    assert "没有修改" in zhang("算了")
    with c.sessions() as s:
        assert s.get(GraduatePreference, gid(school)) is None


def test_recommend_numbers_details_and_feedback(c: Container, school: School, zhang: Chat) -> None:
    listing = zhang("推荐")
    lines = numbered(listing)
    assert len(lines) == 10 and [line.split(".")[0] for line in lines] == [str(n) for n in range(1, 11)]
    shown = active(c, gid(school))[:10]
    with c.sessions() as s:
        titles = {p.id: p.title for p in s.scalars(sa.select(Posting).where(Posting.id.in_(shown)))}
    assert lines[2].split(" · ")[0] == f"3. {titles[shown[2]]}"

    detail = zhang("详情 3")
    assert detail.startswith(f"【3】{titles[shown[2]]}") and "推荐理由" in detail

    assert "感兴趣" in zhang("感兴趣 3")
    assert "不再推荐" in zhang("不合适 2 太远了")
    assert "投递" in zhang("已投递 1")
    with c.sessions() as s:
        rows = s.execute(
            sa.select(Feedback.posting_id, Feedback.kind, Feedback.reason_tags, Feedback.channel).order_by(Feedback.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        (shown[2], FeedbackKind.INTERESTED, [], "web"),
        (shown[1], FeedbackKind.REJECTED, ["too_far"], "web"),
        (shown[0], FeedbackKind.APPLIED, [], "web"),
    ]
    left = active(c, gid(school))
    assert shown[1] not in left and shown[0] not in left and shown[2] in left
    # Numbers still mean the list that was shown until a new one is shown.
    assert zhang("详情 2").startswith(f"【2】{titles[shown[1]]}")
    assert "编号 11 不在刚才的列表里（1-10）" in zhang("详情 11")


def test_feedback_before_any_list_asks_for_one(c: Container, school: School, zhang: Chat) -> None:
    assert "请先发送“推荐”" in zhang("感兴趣 3")
    assert "第几个" in zhang("不合适")


def test_more_pages_on_past_the_first_ten(c: Container, school: School, zhang: Chat) -> None:
    first = zhang("推荐")
    first_titles = numbered(first)
    more = zhang("换一批")
    second = numbered(more)
    assert second and second[0].startswith("1. ") and "再给你看这些岗位" in more
    with c.sessions() as s:
        state = s.get(ConversationState, f"g:{gid(school)}")
        assert state is not None
        shown_now = state.data["shown"]
        # Asking for more never makes the graduate count as short of postings.
        assert s.scalar(sa.select(sa.func.count()).select_from(MatchShortfall)) == 0
    assert len(active(c, gid(school))) > 10
    assert len(shown_now) == len(second) and first_titles != second


def test_a_small_channel_gets_a_few_and_a_link(c: Container, school: School) -> None:
    wechat = Chat(c, "oZhang", channel=ChannelKind.WECHAT_MP, account="plain")
    wechat.bind(ZHANG)
    (msg,) = wechat.send("推荐")
    assert msg.url is not None and msg.url.startswith("http://127.0.0.1:8000/m/") and msg.title == "查看全部推荐"
    assert 1 <= len(numbered(msg.text)) < 10 and len(msg.text) + len(msg.url) + 16 <= 600
    claims = c.links.verify(msg.url.rsplit("/", 1)[1])
    assert claims.graduate_id == gid(school)
    with c.sessions() as s:
        state = s.get(ConversationState, f"g:{gid(school)}")
        assert state is not None and len(state.data["shown"]) == len(numbered(msg.text))


def test_status_in_own_words_is_confirmed_then_saved(c: Container, school: School, zhang: Chat) -> None:
    with c.sessions.begin() as s:
        s.add(Checkin(graduate_id=gid(school), kind="checkin", period_key="w1", due_at=c.clock.now(),
                      sent_at=c.clock.now(), channel="web"))  # fmt: skip
    asked = zhang("签了三方，华工激光")
    assert asked.startswith("你是说：签就业协议形式就业（10），单位：华工激光。对吗？")
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(StatusRecord)) == 0
    assert "已登记" in zhang("对")
    with c.sessions() as s:
        record = s.scalars(sa.select(StatusRecord)).one()
        assert (record.destination_code, record.employer_name, record.source) == (
            "10",
            "华工激光",
            StatusSource.SELF_REPORT,
        )
        assert record.code_version == c.codebook.version and not record.verified
        graduate = s.get(Graduate, gid(school))
        assert graduate is not None
        assert (graduate.destination_code, graduate.employer_name, graduate.status_verified) == (
            "10",
            "华工激光",
            False,
        )
        assert graduate.status_updated_at == c.clock.now() and graduate.unplaced_since is None
        checkin = s.scalars(sa.select(Checkin)).one()
        assert checkin.answered_at == c.clock.now()


def test_an_open_status_gets_numbered_choices_and_the_number_decides(c: Container, school: School, zhang: Chat) -> None:
    question = zhang("在武汉上班了，光谷软件")
    assert question.startswith("恭喜！请问你和单位签的是哪一种？回复编号：\n1. 就业协议（三方协议）\n2. 劳动合同")
    assert "请回复 1-4 之间的编号" in zhang("9")
    confirm = zhang("2")
    assert (
        confirm.startswith("你是说：签劳动合同形式就业（11）")
        and "单位：光谷软件" in confirm
        and "地点：武汉" in confirm
    )
    zhang("对")
    with c.sessions() as s:
        graduate = s.get(Graduate, gid(school))
        assert graduate is not None and graduate.destination_code == "11" and graduate.employer_name == "光谷软件"
        record = s.scalars(sa.select(StatusRecord)).one()
        assert (record.place_adcode, record.place_text) == (WUHAN, "湖北省武汉市")


def test_no_after_a_checkin_means_not_placed_and_giving_up_flags_the_counselor(
    c: Container, school: School, zhang: Chat
) -> None:
    with c.sessions.begin() as s:
        store.expect_checkin_answer(s, gid(school), c.clock.now())
    choices = zhang("没有")
    assert "5. 暂时不打算就业" in choices
    assert "暂不就业" in zhang("5")
    assert "辅导员会和你联系" in zhang("对")
    with c.sessions() as s:
        graduate = s.get(Graduate, gid(school))
        assert graduate is not None
        assert (graduate.destination_code, graduate.unplaced_reason, graduate.needs_attention) == (
            "72",
            "暂不就业",
            True,
        )
        assert graduate.unplaced_since is not None


def test_a_pending_question_survives_a_question_and_is_replaced_by_new_wishes(
    c: Container, school: School, zhang: Chat
) -> None:
    zhang("签了劳动合同")
    faq = zhang("三方协议怎么签")
    assert "就业协议以网签为主" in faq and "还在等你确认" in faq
    assert zhang("想去武汉做护士").startswith("我理解的求职意向")
    zhang("对")
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(StatusRecord)) == 0
        assert s.get(GraduatePreference, gid(school)) is not None


def test_unsubscribe_and_resubscribe_are_recorded(c: Container, school: School, zhang: Chat) -> None:
    assert "已退订" in zhang("退订")
    with c.sessions() as s:
        graduate = s.get(Graduate, gid(school))
        assert graduate is not None and graduate.unsubscribed
    assert "推荐以下岗位" in zhang("推荐")  # answers go on
    assert "已恢复推送" in zhang("恢复推送")
    with c.sessions() as s:
        graduate = s.get(Graduate, gid(school))
        assert graduate is not None and not graduate.unsubscribed
        actions = s.scalars(sa.select(AuditLog.action).where(AuditLog.object_type == "graduate")).all()
    assert "graduate.unsubscribe" in actions and "graduate.resubscribe" in actions


def test_faq_answers_the_graduates_college_and_global_entries_only(c: Container, school: School, zhang: Chat) -> None:
    assert "到医学院办公室开具" in zhang("实习证明去哪开")
    sun = Chat(c, "web-sun")
    sun.bind("2022020101")
    assert "医学院办公室" not in sun("实习证明去哪开")
    assert "秋季学期" in sun("求职补贴怎么申请")


@pytest.mark.parametrize(
    "text",
    ["统计", "未回复", "困难生", "发布岗位 华工激光招聘机械工程师3名，武汉", "推送 1 给 护理2201", "汇总一下"],
)
def test_a_graduate_cannot_run_counselor_commands(c: Container, school: School, zhang: Chat, text: str) -> None:
    reply = zhang(text)
    assert "只对老师开放" in reply or "没太看懂" in reply
    assert "落实率" not in reply and "李四" not in reply
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Posting).where(Posting.source == "chat")) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action.like("posting.%"))) == 0


def test_in_a_group_a_graduate_gets_general_answers_only(c: Container, school: School) -> None:
    qq = Chat(c, "30001", channel=ChannelKind.ONEBOT, account="qq")
    qq.bind(ZHANG)
    group = Chat(c, "30001", channel=ChannelKind.ONEBOT, account="qq", group="777")
    assert "私聊" in group("推荐")
    assert "私聊" in group("签了三方，华工激光")
    assert "就业协议以网签为主" in group("三方协议怎么签")
    with c.sessions() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(StatusRecord)) == 0


def test_the_conversation_follows_the_graduate_to_another_channel(c: Container, school: School, zhang: Chat) -> None:
    zhang("推荐")
    zhang("签了三方，华工激光")
    qq = Chat(c, "40001", channel=ChannelKind.ONEBOT, account="qq")
    bound = qq.bind(ZHANG)
    assert "你之前还有一个问题没回答" in bound and "华工激光" in bound
    assert "已登记" in qq("对")
    assert qq("详情 1").startswith("【1】")


def test_a_placed_graduate_with_no_list_is_told_so(c: Container, school: School, zhang: Chat) -> None:
    zhang("签了三方，华工激光")
    zhang("对")
    with c.sessions.begin() as s:
        s.execute(sa.update(Match).values(active=False))
    assert "已经登记了就业去向" in zhang("推荐")


def test_yichang_origin_and_wishes_rank_yichang_first(c: Container, school: School, zhang: Chat) -> None:
    zhang("想回宜昌当护士")
    reply = zhang("对")
    assert "· 宜昌 ·" in numbered(reply)[0]
    with c.sessions() as s:
        pref = s.get(GraduatePreference, gid(school))
        assert pref is not None and pref.city_adcodes == [YICHANG]

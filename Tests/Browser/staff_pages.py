"""The staff pages as people use them, in headless Chromium (Playwright driving Debian's chromium).

An admin logs in and creates an officer; the officer logs in in a second browser, sits at
counter 1 and presses "next"; the hall display in a third browser shows the number; the leader
downloads the XLSX from the reports page. Screenshots of each page go to SHOTS.

Usage: staff_pages.py BASE_URL SHOTS DOWNLOAD   (passwords in ADMIN_PASSWORD, LEADER_PASSWORD)
Prints one line per step; exits 1 at the first step that does not hold.
"""
import os
from datetime import datetime
from zoneinfo import ZoneInfo
import sys

from playwright.sync_api import expect, sync_playwright

base, shots, download = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(shots, exist_ok=True)
chromium = next(p for p in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] if os.path.exists(p))


def step(text):
    print("step:", text, flush=True)


def login(page, user, password):
    page.goto(base + "/login")
    page.get_by_label("Tên đăng nhập").fill(user)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
    size = {"width": 1280, "height": 900}

    admin = browser.new_context(viewport=size, locale="vi-VN").new_page()
    admin.goto(base + "/login")
    admin.screenshot(path=f"{shots}/login.png", full_page=True)
    login(admin, "admin", os.environ["ADMIN_PASSWORD"])
    expect(admin).to_have_url(base + "/admin/accounts")
    step("the admin logged in")
    form = admin.locator("#add")
    form.get_by_label("Tên đăng nhập").fill("le.thi.cuc")
    form.get_by_label("Họ tên").fill("Lê Thị Cúc")
    form.get_by_label("Mật khẩu").fill("cuc-password-1")
    form.get_by_role("button", name="Thêm").click()
    expect(admin.get_by_role("status")).to_contain_text("Đã thêm tài khoản le.thi.cuc.")
    expect(admin.locator("td", has_text="Lê Thị Cúc")).to_be_visible()
    admin.screenshot(path=f"{shots}/accounts.png", full_page=True)
    step("the admin created the officer le.thi.cuc")

    officer = browser.new_context(viewport=size, locale="vi-VN").new_page()
    login(officer, "le.thi.cuc", "cuc-password-1")
    expect(officer).to_have_url(base + "/officer")
    officer.locator("#counters tr", has_text="Quầy số 1").get_by_role("button").click()
    expect(officer.locator("#work")).to_be_visible()
    officer.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(officer.locator("#serving")).to_have_text("A001")
    expect(officer.locator("#waiting tr")).to_have_count(2)
    officer.screenshot(path=f"{shots}/officer.png", full_page=True)
    step("the officer sat at counter 1 and called A001 from the page")

    counter = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    counter.goto(base + "/display/counter/1")
    expect(counter.locator("#officer-name")).to_have_text("Cán bộ: Lê Thị Cúc")
    expect(counter.locator("#number")).to_have_text("A001")
    expect(counter.locator("#photo")).to_be_visible()
    counter.wait_for_function("document.getElementById('photo').naturalWidth === 120")
    counter.screenshot(path=f"{shots}/counter.png")
    step("counter 1's screen names the officer and shows her photo")

    display = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    display.goto(base + "/display")
    expect(display.locator("#latest-number")).to_have_text("A001")
    expect(display.locator("#latest-counter")).to_contain_text("Quầy số 1")
    # Live by push: the officer finishes and calls the next one; the TV follows without a reload.
    officer.get_by_role("button", name="Hoàn thành").click()
    officer.get_by_role("button", name="Gọi số tiếp theo").click()
    expect(officer.locator("#serving")).to_have_text("A002")
    expect(display.locator("#latest-number")).to_have_text("A002")
    display.screenshot(path=f"{shots}/display.png")
    step("the hall display showed A001, then A002 by push")
    officer.get_by_role("button", name="Hoàn thành").click()
    expect(officer.locator("#serving")).to_have_text("—")

    leader = browser.new_context(viewport=size, locale="vi-VN", accept_downloads=True).new_page()
    login(leader, "leader", os.environ["LEADER_PASSWORD"])
    expect(leader).to_have_url(base + "/dashboard")
    expect(leader.locator("#dashboard")).to_contain_text("Lê Thị Cúc")
    leader.screenshot(path=f"{shots}/dashboard.png", full_page=True)
    step("the leader's dashboard lists the officer")
    leader.get_by_role("link", name="Báo cáo").click()
    year = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).year  # the centre's year
    leader.get_by_label("Kỳ báo cáo").select_option(label=f"Năm {year}")
    expect(leader.locator("#from")).to_be_disabled()  # a named period sends its name, not the dates
    leader.get_by_role("button", name="Xem").click()
    expect(leader.locator("td", has_text="Lê Thị Cúc")).to_be_visible()
    expect(leader.locator("h2")).to_have_text(f"Báo cáo mức độ hài lòng theo cán bộ – Năm {year} (từ 01/01/{year} đến 31/12/{year})")
    leader.screenshot(path=f"{shots}/reports.png", full_page=True)
    with leader.expect_download() as info:
        leader.get_by_role("link", name="Excel (XLSX)").click()
    info.value.save_as(download)
    assert info.value.suggested_filename == f"bao-cao-officer-{year}.xlsx", info.value.suggested_filename
    step("the leader downloaded " + info.value.suggested_filename)

    admin.goto(base + "/admin/audit")
    expect(admin.locator("td", has_text="ticketCalled").first).to_be_visible()
    admin.screenshot(path=f"{shots}/audit.png", full_page=True)
    admin.goto(base + "/admin/devices")
    admin.screenshot(path=f"{shots}/devices.png", full_page=True)
    step("the admin's audit log and devices pages")
    browser.close()
print("browser scenario: passed")
